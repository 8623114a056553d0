package dev.portalkit.runtime.model;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.config.PortalConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Throttling and logging of failed authentication, for every credential check of the portal: API
 * tokens (the action API and the download routes) and passwords (a login form, user_update's
 * {@code old_password}). After {@code portal.auth.throttle.address_failures} failures from one
 * client address, or {@code account_failures} failed passwords of one account (from any address),
 * within {@code window} seconds, further attempts are refused with TOO_MANY_REQUESTS (HTTP 429 and
 * {@code Retry-After}) <em>without</em> checking the credential, until the oldest failure of the
 * window has aged out. Successful checks cost one map look-up and change nothing.
 *
 * <p>Each failure is logged at WARNING with the client address and, for passwords, the account
 * name as given (never the token or password), at most {@code log_lines} lines a minute: beyond
 * that, failures are counted and the count goes into the next line written. State is per process
 * and bounded: the least recently seen of more than {@value #MAX_KEYS} addresses and accounts are
 * forgotten.
 */
public final class AuthenticationThrottle {
    private static final Logger LOG = Logger.getLogger(AuthenticationThrottle.class.getName());

    public static final String ADDRESS_FAILURES = "portal.auth.throttle.address_failures";
    public static final String ACCOUNT_FAILURES = "portal.auth.throttle.account_failures";
    public static final String WINDOW = "portal.auth.throttle.window";
    public static final String LOG_LINES = "portal.auth.throttle.log_lines";

    /** How many addresses and accounts are remembered at most. */
    static final int MAX_KEYS = 100_000;
    private static final int MAX_LOGGED_NAME = 80;

    /** What was checked, for the log. */
    public enum Credential {
        API_TOKEN("API token"), PASSWORD("password");

        private final String label;

        Credential(String label) {
            this.label = label;
        }
    }

    /** A refusal before the credential is checked: TOO_MANY_REQUESTS, with the seconds to wait as {@code retry_after}. */
    public static final class Throttled extends PortalException {
        private final long retryAfter;

        Throttled(String message, long retryAfter) {
            super(ErrorKind.TOO_MANY_REQUESTS, message);
            this.retryAfter = retryAfter;
        }

        /** Seconds until the next attempt may be checked. */
        public long retryAfter() {
            return retryAfter;
        }

        @Override
        public Map<String, Object> details() {
            return Map.of(RETRY_AFTER, retryAfter);
        }
    }

    /** The error detail (and {@code Retry-After} header) with the seconds to wait. */
    public static final String RETRY_AFTER = "retry_after";

    private final int addressLimit;
    private final int accountLimit;
    private final long windowMillis;
    private final int logLines;
    private final Clock clock;
    private final Map<String, Failures> failures = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_KEYS;
        }
    };
    private long logMinute = -1;
    private int loggedThisMinute;
    private long suppressed;

    public AuthenticationThrottle(int addressLimit, int accountLimit, Duration window, int logLines, Clock clock) {
        this.addressLimit = Math.max(0, addressLimit);
        this.accountLimit = Math.max(0, accountLimit);
        this.windowMillis = Math.max(1, window.toMillis());
        this.logLines = Math.max(0, logLines);
        this.clock = clock;
    }

    /** The throttle the options of {@code config} describe. */
    public static AuthenticationThrottle of(PortalConfig config, Clock clock) {
        return new AuthenticationThrottle(config.integer(ADDRESS_FAILURES), config.integer(ACCOUNT_FAILURES),
                Duration.ofSeconds(config.integer(WINDOW)), config.integer(LOG_LINES), clock);
    }

    static void declare(ConfigDeclaration d) {
        d.option(ConfigOption.of(ADDRESS_FAILURES, "Failed authentications (bad API tokens or passwords) allowed from one client "
                + "address within portal.auth.throttle.window; further attempts from it are answered 429 with Retry-After, "
                + "without checking the credential, until the oldest failure is older than the window. 0 turns it off.")
                .type(ConfigType.INT).defaultValue("20"));
        d.option(ConfigOption.of(ACCOUNT_FAILURES, "Failed passwords of one account (from any address) allowed within "
                + "portal.auth.throttle.window before further password checks of that account are answered 429. 0 turns it off.")
                .type(ConfigType.INT).defaultValue("10"));
        d.option(ConfigOption.of(WINDOW, "Seconds over which failed authentications are counted (and the longest wait a "
                + "refused client is told).").type(ConfigType.INT).defaultValue("300"));
        d.option(ConfigOption.of(LOG_LINES, "Most WARNING lines about failed authentications written per minute; failures "
                + "beyond it are counted in the next line.").type(ConfigType.INT).defaultValue("60"));
        for (String key : new String[] {ADDRESS_FAILURES, ACCOUNT_FAILURES, LOG_LINES}) {
            String v = d.valuesUnder(key).get(key);
            if (v != null && v.trim().matches("-\\d+")) {
                d.reject(key, "must be 0 or more");
            }
        }
        d.requireAtLeast(WINDOW, 1, "must be at least 1 (seconds)");
    }

    /**
     * Refuses the attempt before its credential is checked when the address or the account has
     * used up its failures.
     *
     * @param address the client's address, or null when unknown (the address is then not throttled)
     * @param account the account a password is tried for (name or email as given), or null for tokens
     * @throws Throttled TOO_MANY_REQUESTS with the seconds to wait
     */
    public void check(String address, String account) {
        long now = clock.millis();
        long wait;
        synchronized (this) {
            wait = Math.max(waitFor(addressKey(address), addressLimit, now), waitFor(accountKey(account), accountLimit, now));
        }
        if (wait > 0) {
            long seconds = Math.max(1, (wait + 999) / 1000);
            throw new Throttled("Too many failed authentication attempts" + (account == null ? "" : " for this account")
                    + "; try again in " + seconds + " seconds", seconds);
        }
    }

    /** Records a failed check of {@code credential} (and logs it, rate-limited). */
    public void failed(Credential credential, String address, String account) {
        long now = clock.millis();
        String line;
        synchronized (this) {
            int fromAddress = record(addressKey(address), addressLimit, now);
            int ofAccount = record(accountKey(account), accountLimit, now);
            StringBuilder text = new StringBuilder("failed authentication: ").append(credential.label);
            if (account != null) {
                text.append(" for account '").append(printable(account)).append('\'');
            }
            text.append(" from ").append(address == null ? "an unknown address" : printable(address));
            text.append(" (").append(fromAddress > 0 ? fromAddress + " from this address" : "")
                    .append(fromAddress > 0 && ofAccount > 0 ? ", " : "").append(ofAccount > 0 ? ofAccount + " for this account" : "")
                    .append(fromAddress > 0 || ofAccount > 0 ? " within " + windowMillis / 1000 + " s" : "counted nowhere").append(')');
            if ((addressLimit > 0 && fromAddress == addressLimit) || (accountLimit > 0 && ofAccount == accountLimit)) {
                text.append("; further attempts are refused (429) until the window passes");
            }
            line = admitLogLine(now, text);
        }
        if (line != null) {
            LOG.warning(line);
        }
    }

    /** Milliseconds until {@code key} may try again (0: now). */
    private long waitFor(String key, int limit, long now) {
        if (key == null || limit == 0) {
            return 0;
        }
        Failures f = failures.get(key);
        return f == null ? 0 : f.waitFor(limit, windowMillis, now);
    }

    /** Counts a failure of {@code key}; returns its failures within the window (0 when not counted). */
    private int record(String key, int limit, long now) {
        if (key == null || limit == 0) {
            return 0;
        }
        Failures f = failures.computeIfAbsent(key, k -> new Failures(limit));
        return f.add(now, windowMillis);
    }

    private String admitLogLine(long now, StringBuilder text) {
        long minute = now / 60_000;
        if (minute != logMinute) {
            logMinute = minute;
            loggedThisMinute = 0;
        }
        if (loggedThisMinute >= logLines) {
            suppressed++;
            return null;
        }
        loggedThisMinute++;
        if (suppressed > 0) {
            text.append(" [").append(suppressed).append(" earlier failed attempt(s) not logged: more than ")
                    .append(logLines).append(" a minute]");
            suppressed = 0;
        }
        return text.toString();
    }

    private static String addressKey(String address) {
        return address == null || address.isBlank() ? null : "address:" + address.strip();
    }

    private static String accountKey(String account) {
        return account == null || account.isBlank() ? null : "account:" + account.strip().toLowerCase(Locale.ROOT);
    }

    /** Log-safe text: no control characters (no forged log lines), bounded length. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(MAX_LOGGED_NAME).forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == '\u2028' || c == '\u2029') {
                out.append('?');
            } else {
                out.appendCodePoint(c);
            }
        });
        if (value.codePointCount(0, value.length()) > MAX_LOGGED_NAME) {
            out.append("...");
        }
        return out.toString();
    }

    /** The times of the last {@code limit} failures of one key, oldest first in a ring. */
    private static final class Failures {
        private final long[] times;
        private int next;
        private int count;

        Failures(int limit) {
            times = new long[limit];
        }

        long waitFor(int limit, long window, long now) {
            if (count < limit || times.length != limit) {
                return 0;
            }
            long oldest = times[next];
            long until = oldest + window;
            return until > now ? until - now : 0;
        }

        int add(long now, long window) {
            times[next] = now;
            next = (next + 1) % times.length;
            count = Math.min(count + 1, times.length);
            int recent = 0;
            for (int i = 0; i < count; i++) {
                if (times[i] > now - window) {
                    recent++;
                }
            }
            return recent;
        }
    }
}
