package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.plugins.ChainRecorder;
import dev.portalkit.runtime.plugins.RecordingPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chained actions and auth functions: order by portal.plugins, allow / deny overrides, sysadmins, ignore_auth. */
class ChainAndAuthTest {
    @BeforeEach
    void reset() {
        ChainRecorder.reset();
    }

    @Test
    void theFirstConfiguredPluginIsTheOutermostLink() {
        try (TestPortal portal = TestPortal.builder().plugins("recording alpha beta").start()) {
            assertThat(portal.call("rec_echo", TestPortal.ALICE, Map.of()))
                    .asList().containsExactly("alpha:before", "beta:before", "base", "beta:after", "alpha:after");
            assertThat(ChainRecorder.AUTH_ORDER).containsExactly("alpha", "beta");
        }
        ChainRecorder.reset();
        try (TestPortal portal = TestPortal.builder().plugins("beta, alpha, recording").start()) {
            assertThat(portal.call("rec_echo", TestPortal.ALICE, Map.of()))
                    .asList().containsExactly("beta:before", "alpha:before", "base", "alpha:after", "beta:after");
            assertThat(ChainRecorder.AUTH_ORDER).containsExactly("beta", "alpha");
        }
    }

    @Test
    void anonymousCallersAreRefusedBeforeAFunctionThatDoesNotAllowThem() {
        try (TestPortal portal = TestPortal.builder().plugins("recording").start()) {
            RecordingPlugin.RAN.clear();
            assertThatThrownBy(() -> portal.call("rec_members", TestPortal.ANONYMOUS, Map.of()))
                    .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                    .hasMessage("Anonymous user is not authorized to call rec_members: it requires an authenticated user (send an API token)");
            assertThat(RecordingPlugin.RAN).isEmpty();
            var dispatcher = portal.portal().dispatcher();
            assertThat(dispatcher.auth().decidedWithoutData("rec_members", portal.portal().context(TestPortal.ANONYMOUS, false)))
                    .hasValueSatisfying(r -> assertThat(r.allowed()).isFalse());
            assertThat(dispatcher.auth().decidedWithoutData("rec_members", portal.portal().context(TestPortal.ALICE, false))).isEmpty();
            assertThat(dispatcher.auth().decidedWithoutData("rec_echo", portal.portal().context(TestPortal.ANONYMOUS, false))).isEmpty();
            assertThat(portal.call("rec_members", TestPortal.ALICE, Map.of())).isEqualTo("members only");
            assertThat(RecordingPlugin.RAN).containsExactly("auth:rec_members");
            // The flags of actions survive combined wrappers.
            assertThat(dispatcher.actions().get("rec_do").base().supportsTasks()).isTrue();
            assertThat(dev.portalkit.api.action.Action.sideEffectFree(dev.portalkit.api.action.Action.acceptingUploads(
                    dev.portalkit.api.action.Action.withTaskQueue((c, d) -> null))))
                    .satisfies(a -> assertThat(a.supportsTasks() && a.sideEffectFree() && a.acceptsUploads()).isTrue());
        }
    }

    @Test
    void aPluginThatIsNotEnabledContributesNothing() {
        try (TestPortal portal = TestPortal.builder().plugins("recording").start()) {
            assertThat(portal.call("rec_echo", TestPortal.ALICE, Map.of())).asList().containsExactly("base");
            assertThatThrownBy(() -> portal.call("example_hello", TestPortal.ALICE, Map.of()))
                    .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        }
    }

    @Test
    void chainedAuthCanDenyAllowOrDeferToTheRestOfTheChain() {
        try (TestPortal portal = TestPortal.builder().plugins("alpha beta recording").start()) {
            assertThatThrownBy(() -> portal.call("rec_echo", TestPortal.ALICE, Map.of("deny_by", "alpha")))
                    .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                    .hasMessage("alpha says no");
            // The base auth function denies anonymous users; alpha's override lets this one through.
            assertThatThrownBy(() -> portal.call("rec_echo", TestPortal.ANONYMOUS, Map.of())).hasMessage("log in to echo");
            assertThat(portal.call("rec_echo", TestPortal.ANONYMOUS, Map.of("allow_by", "alpha"))).asList().contains("base");
        }
    }

    @Test
    void sysadminsPassUnlessTheFunctionAppliesToThemAndIgnoreAuthSkipsChecks() {
        try (TestPortal portal = TestPortal.builder().plugins("alpha beta recording").start()) {
            // Sysadmins skip the whole chain, alpha's denial included.
            assertThat(portal.call("rec_echo", TestPortal.SYSADMIN, Map.of("deny_by", "alpha"))).asList().contains("base");
            assertThat(ChainRecorder.AUTH_ORDER).isEmpty();
            assertThat(portal.portal().context(TestPortal.SYSADMIN, false).checkAccess("rec_strict", Map.of()).allowed()).isFalse();
            assertThat(portal.portal().context(TestPortal.ANONYMOUS, true).checkAccess("rec_strict", Map.of()).allowed()).isTrue();
            assertThat(portal.portal().context(TestPortal.ANONYMOUS, true).call("rec_echo", Map.of("deny_by", "alpha")))
                    .asList().contains("base");
        }
    }

    @Test
    void anActionWithoutAnAuthFunctionIsForSysadminsOnly() {
        try (TestPortal portal = TestPortal.builder().plugins("recording").start()) {
            Optional<UserRef> alice = TestPortal.ALICE;
            assertThat(portal.portal().context(alice, false).checkAccess("no_such_auth", Map.of()).message())
                    .contains("sysadmins only");
            assertThat(portal.portal().context(TestPortal.SYSADMIN, false).checkAccess("no_such_auth", Map.of()).allowed()).isTrue();
        }
    }

    @Test
    void helpShowDescribesWhoDefinesAndWrapsAnAction() {
        try (TestPortal portal = TestPortal.builder().plugins("recording alpha beta").start()) {
            assertThat(portal.call("help_show", TestPortal.ANONYMOUS, Map.of("name", "rec_echo")))
                    .isEqualTo("Action rec_echo: defined by plugin 'recording', wrapped by 2 chained action(s); POST only.");
            assertThat(portal.call("help_show", TestPortal.ANONYMOUS, Map.of("name", "rec_do")).toString())
                    .endsWith("supports post-commit tasks; POST only.");
            assertThatThrownBy(() -> portal.call("help_show", TestPortal.ANONYMOUS, Map.of("name", "nope")))
                    .hasMessageContaining("does not exist");
        }
    }

    @Test
    void unknownPluginFailsStartListingTheAvailableOnes() {
        assertThatThrownBy(() -> TestPortal.builder().plugins("recording nosuch").start())
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .hasMessageContaining("unknown plugin 'nosuch'")
                // Every discovered plugin, sorted (the test class path holds more test plugins than these).
                .hasMessageContaining("available plugins: alpha, ")
                .hasMessageContaining(", beta, ")
                .hasMessageContaining(", recording, task-probe");
    }

    @Test
    void chainingAnActionNobodyDefinesFailsStart() {
        assertThatThrownBy(() -> TestPortal.builder().plugins("alpha").start())
                .hasMessageContaining("plugin 'alpha' chains action 'rec_echo', which no enabled plugin defines");
    }
}
