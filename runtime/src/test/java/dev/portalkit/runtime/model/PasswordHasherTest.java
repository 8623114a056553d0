package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    @Test
    void hashesVerifyAndAreSalted() {
        String a = PasswordHasher.hash("correct horse", 1000);
        String b = PasswordHasher.hash("correct horse", 1000);
        assertThat(a).startsWith("$pbkdf2-sha256$1000$").doesNotContain("correct").isNotEqualTo(b);
        assertThat(PasswordHasher.verify("correct horse", a)).isTrue();
        assertThat(PasswordHasher.verify("correct horse", b)).isTrue();
        assertThat(PasswordHasher.verify("wrong horse", a)).isFalse();
    }

    @Test
    void theIterationCountTravelsWithTheHash() {
        String cheap = PasswordHasher.hash("pw-12345", 1000);
        String dearer = PasswordHasher.hash("pw-12345", 2000);
        assertThat(dearer).startsWith("$pbkdf2-sha256$2000$");
        assertThat(PasswordHasher.verify("pw-12345", cheap)).isTrue();
        assertThat(PasswordHasher.verify("pw-12345", dearer)).isTrue();
    }

    @Test
    void malformedHashesNeverVerify() {
        for (String stored : new String[] {null, "", "plain", "$pbkdf2-sha256$x$y$z", "$pbkdf2-sha256$1000$!!$!!", "$pbkdf2-sha256$0$AA$AA"}) {
            assertThat(PasswordHasher.verify("anything", stored)).as(stored).isFalse();
        }
    }

    @Test
    void tooFewIterationsIsAConfigError() {
        assertThatThrownBy(() -> PasswordHasher.hash("pw-12345", 10)).isInstanceOfSatisfying(PortalException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID);
            assertThat(e.getMessage()).contains("portal.auth.password_iterations");
        });
    }
}
