package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The upload path's warm-up parses its synthetic bodies exactly and hashes every part byte. */
class UploadWarmUpTest {
    @Test
    void parsesEachSyntheticBodyToItsPartAndHashesItAll() throws Exception {
        UploadWarmUp.Result result = UploadWarmUp.run("md5", 2, 3);

        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] block = UploadWarmUp.block();
        for (int i = 0; i < 3; i++) {
            md5.update(block);
        }
        assertThat(result.bytes()).isEqualTo(2L * 3 * block.length);
        assertThat(result.lastHash()).isEqualTo(HexFormat.of().formatHex(md5.digest()));
    }

    @Test
    void backgroundThreadIsADaemonOfTheLowestPriorityAndEnds() throws Exception {
        Thread thread = UploadWarmUp.startInBackground("sha256");
        assertThat(thread.isDaemon()).isTrue();
        assertThat(thread.getPriority()).isEqualTo(Thread.MIN_PRIORITY);
        thread.join(60_000);
        assertThat(thread.isAlive()).isFalse();
    }
}
