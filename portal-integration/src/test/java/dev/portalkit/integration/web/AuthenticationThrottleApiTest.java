package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.ApiAssertions.assertError;
import static dev.portalkit.integration.testing.HttpPortal.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpPortal.Account;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.model.AuthenticationThrottle;
import dev.portalkit.runtime.model.DatabaseApiTokenAuthenticator;
import dev.portalkit.runtime.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Failed authentication over HTTP, from two loopback addresses (127.0.0.1 and 127.0.0.2): a burst
 * of bad API tokens from one address is refused with 429 and {@code Retry-After} after
 * {@code portal.auth.throttle.address_failures}, without checking the token (a good token from
 * that address waits too), on the action API and the download routes alike, while a good token
 * from the other address works; the failures are in the log (address, never the token), at most
 * {@code log_lines} a minute. Passwords: user_update needs {@code old_password} for one's own
 * password, a wrong one counts against the account. The portal's clock is moved by hand, so
 * nothing waits. One portal for the class: each test uses addresses and accounts of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationThrottleApiTest {
    static final String OTHER_ADDRESS = "127.0.0.2";
    static final String PASSWORD_ADDRESS = "127.0.0.3";

    HttpPortal http;
    ApiClient api;
    MutableClock clock;
    final List<LogRecord> logged = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public synchronized void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    final Logger throttleLog = Logger.getLogger(AuthenticationThrottle.class.getName());

    @BeforeAll
    void start() {
        clock = new MutableClock(Instant.now());
        http = HttpPortal.start(HttpPortal.builder().clock(clock)
                .option(AuthenticationThrottle.ADDRESS_FAILURES, "5")
                .option(AuthenticationThrottle.ACCOUNT_FAILURES, "3")
                .option(AuthenticationThrottle.WINDOW, "60")
                .option(AuthenticationThrottle.LOG_LINES, "8"));
        api = http.api();
        throttleLog.addHandler(capture);
    }

    /** Each test starts in a fresh minute of the failure log, with nothing captured yet. */
    @BeforeEach
    void freshLogMinute() {
        clock.advance(Duration.ofMinutes(1));
        synchronized (capture) {
            logged.clear();
        }
    }

    @AfterAll
    void stop() {
        throttleLog.removeHandler(capture);
        if (http != null) {
            http.close();
        }
    }

    @Test
    void aBurstOfBadTokensIsThrottledPerAddressAndLogged() throws IOException {
        Account alice = http.newUser("alice");
        List<String> badTokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String bad = "not-a-token-" + i + "-" + "x".repeat(20);
            badTokens.add(bad);
            assertError(api.call("status_show", map(), bad), 403, "Authorization Error");
        }
        // The sixth attempt is not checked: 429 with Retry-After, even for a good token from this address.
        Reply throttled = api.call("status_show", map(), "yet-another-bad-token");
        Map<String, Object> error = assertError(throttled, 429, "Too Many Requests Error");
        assertThat(error).containsKey("retry_after");
        long retryAfter = ((Number) error.get("retry_after")).longValue();
        assertThat(retryAfter).isBetween(1L, 60L);
        RawReply withHeader = raw("127.0.0.1", "POST", "/api/3/action/status_show", alice.token());
        assertThat(withHeader.status()).isEqualTo(429);
        assertThat(withHeader.header("retry-after")).isEqualTo(String.valueOf(retryAfter));
        // The download routes share the throttle.
        RawReply download = raw("127.0.0.1", "GET", "/files/download/some-file", "bad-download-token");
        assertThat(download.status()).isEqualTo(429);
        assertThat(download.header("retry-after")).isNotNull();
        // Anonymous requests do not present a credential: they are not throttled.
        assertThat(api.call("status_show", map(), null).status()).isEqualTo(200);

        // Another address is not affected: a good token works, a bad one is a plain 403.
        RawReply good = raw(OTHER_ADDRESS, "POST", "/api/3/action/api_token_list", alice.token(), "{\"user\": \"" + alice.name() + "\"}");
        assertThat(good.status()).as(good.body()).isEqualTo(200);
        assertThat(raw(OTHER_ADDRESS, "POST", "/api/3/action/status_show", "bad-from-elsewhere").status()).isEqualTo(403);

        // Once the window has passed the oldest failure, the address is heard again.
        clock.advance(Duration.ofSeconds(61));
        assertThat(api.call("api_token_list", map("user", alice.name()), alice.token()).status()).isEqualTo(200);

        // The log names the failures and the address, never a token.
        List<String> lines = logged.stream().filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage).toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(6);
        assertThat(lines).anyMatch(l -> l.contains("API token") && l.contains("from 127.0.0.1"));
        assertThat(lines).anyMatch(l -> l.contains("from " + OTHER_ADDRESS));
        assertThat(lines).anyMatch(l -> l.contains("further attempts are refused (429)"));
        for (String line : lines) {
            for (String bad : badTokens) {
                assertThat(line).doesNotContain(bad);
            }
            assertThat(line).doesNotContain(alice.token()).doesNotContain("bad-from-elsewhere");
        }
    }

    @Test
    void theLogOfFailuresCannotBeFlooded() {
        // log_lines = 8 a minute: 30 failures from many addresses (none throttled) give 8 lines, the
        // rest are counted in the first line of the next minute.
        DatabaseApiTokenAuthenticator authenticator = http.portal().container().bean(DatabaseApiTokenAuthenticator.class);
        for (int i = 0; i < 30; i++) {
            assertThat(authenticator.authenticate("bad-" + i, "192.0.2." + i)).isEmpty();
        }
        assertThat(logged).hasSize(8);
        clock.advance(Duration.ofMinutes(1));
        assertThat(authenticator.authenticate("bad-next", "192.0.2.200")).isEmpty();
        assertThat(logged).hasSize(9);
        assertThat(logged.get(8).getMessage()).contains("22 earlier failed attempt(s) not logged");
    }

    @Test
    @SuppressWarnings("unchecked")
    void changingOnesOwnPasswordNeedsTheOldOneAndWrongOnesAreThrottledPerAccount() throws IOException {
        Account bob = http.newUser("bob");
        Account root = http.newSysadmin("root");
        RawReply missing = raw(PASSWORD_ADDRESS, "POST", "/api/3/action/user_update", bob.token(),
                Json.write(map("id", bob.id(), "password", "a brand new password")));
        assertThat(missing.status()).as(missing.body()).isEqualTo(409);
        assertThat((Map<String, Object>) json(missing.body()).get("error")).containsKey("old_password");
        for (int i = 0; i < 3; i++) {
            RawReply wrong = raw(PASSWORD_ADDRESS, "POST", "/api/3/action/user_update", bob.token(),
                    Json.write(map("id", bob.id(), "password", "a brand new password", "old_password", "guess number " + i)));
            assertThat(wrong.status()).as(wrong.body()).isEqualTo(409);
            assertThat((Map<String, Object>) json(wrong.body()).get("error"))
                    .containsEntry("old_password", List.of("Password entered was incorrect"));
        }
        // account_failures = 3: the fourth is not checked, even with the right password.
        RawReply throttled = raw(PASSWORD_ADDRESS, "POST", "/api/3/action/user_update", bob.token(),
                Json.write(map("id", bob.id(), "password", "a brand new password", "old_password", "correct horse battery")));
        assertThat(throttled.status()).as(throttled.body()).isEqualTo(429);
        assertThat(throttled.header("retry-after")).isNotNull();
        // Logins to the account from anywhere are throttled too (the login page's check).
        DatabaseApiTokenAuthenticator authenticator = http.portal().container().bean(DatabaseApiTokenAuthenticator.class);
        try {
            authenticator.authenticatePassword(bob.name(), "correct horse battery", "198.51.100.7");
            throw new AssertionError("expected the account to be throttled");
        } catch (AuthenticationThrottle.Throttled expected) {
            assertThat(expected.retryAfter()).isBetween(1L, 60L);
        }
        // A sysadmin sets another user's password without it.
        Reply reset = api.call("user_update", map("id", bob.id(), "password", "set by the admin"), root.token());
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(61));
        assertThat(authenticator.authenticatePassword(bob.name(), "set by the admin", "198.51.100.7")).isPresent();
        Reply own = api.call("user_update", map("id", bob.id(), "password", "bob's own choice", "old_password", "set by the admin"),
                bob.token());
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(authenticator.authenticatePassword(bob.name(), "bob's own choice", null)).isPresent();
        // The failures are logged with the account and the address, never the password.
        assertThat(logged).anyMatch(r -> r.getMessage().contains("password for account '" + bob.name() + "' from " + PASSWORD_ADDRESS));
        assertThat(logged).noneMatch(r -> r.getMessage().contains("guess number"));
    }

    /** A reply read off a raw socket. */
    record RawReply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One HTTP/1.1 request sent from the loopback address {@code from}. */
    RawReply raw(String from, String method, String path, String token) throws IOException {
        return raw(from, method, path, token, "");
    }

    RawReply raw(String from, String method, String path, String token, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName(http.uri().getHost()), http.uri().getPort()), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + token + "\r\n"
                    + (method.equals("POST") ? "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n" : "")
                    + "Connection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new RawReply(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        }
    }

    static Map<String, Object> json(String text) {
        return Json.MAPPER.convertValue(Json.read(text), Map.class);
    }
}
