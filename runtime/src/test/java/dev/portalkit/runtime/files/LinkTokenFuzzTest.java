package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.files.download.DownloadLinks;
import dev.portalkit.runtime.testing.TestPortal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Download link tokens: any string, and any edit of a real token, is refused with
 * PERMISSION_DENIED (403), never another failure; a token that does verify grants exactly what
 * the token it came from granted (a forged link never reaches another file, a later expiry, another
 * maker or a revoked generation).
 */
class LinkTokenFuzzTest {
    private static TestPortal portal;
    private static DownloadLinks links;
    private static List<String> real;
    private static List<DownloadLinks.Grant> granted;

    @BeforeAll
    static void start() {
        portal = TestPortal.builder().start();
        links = FilesPlugin.of(portal.portal()).downloadLinks();
        real = List.of(token(links.temporal("file-1", "user-1", 3, Duration.ofHours(1))), token(links.permanent("file-2", "user-2", 0)),
                token(links.oneTime("file-3", "user-3", 1, Duration.ofHours(1))), token(links.permanent("file-4")));
        granted = real.stream().map(links::verify).toList();
    }

    @AfterAll
    static void stop() {
        portal.close();
    }

    private static String token(URI link) {
        String path = link.getPath();
        return path.substring(path.indexOf(DownloadLinks.ROUTE) + DownloadLinks.ROUTE.length());
    }

    @FuzzTest(maxDuration = "10m")
    void forgedTokensAreRefusedAndEditsGrantNothingNew(FuzzedDataProvider data) {
        int which = data.consumeInt(0, real.size());
        String token;
        DownloadLinks.Grant original = null;
        if (which == real.size()) {
            token = data.consumeRemainingAsString();
        } else {
            String base = real.get(which);
            original = granted.get(which);
            int at = data.consumeInt(0, base.length());
            int cut = data.consumeInt(0, base.length() - at);
            token = base.substring(0, at) + data.consumeString(8) + base.substring(at + cut);
        }
        DownloadLinks.Grant grant;
        try {
            grant = links.verify(token);
        } catch (PortalException e) {
            assertThat(e.kind()).as("%s: %s", token, e.getMessage()).isEqualTo(ErrorKind.PERMISSION_DENIED);
            return;
        }
        assertThat(original).as("a token nobody made verified: %s", token).isNotNull();
        assertThat(grant.kind()).isEqualTo(original.kind());
        assertThat(grant.fileId()).isEqualTo(original.fileId());
        assertThat(grant.makerId()).as("the link's maker, whose permission is checked at use").isEqualTo(original.makerId());
        assertThat(grant.generation()).as("the file's link generation, which revocation raises").isEqualTo(original.generation());
        assertThat(grant.expires()).isEqualTo(original.expires());
    }
}
