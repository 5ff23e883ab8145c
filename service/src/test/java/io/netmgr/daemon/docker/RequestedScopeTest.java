package io.netmgr.daemon.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.Scope;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The requested scope against the driver's own, whatever the driver is called. */
class RequestedScopeTest {
    @Test
    void aScopeThatIsTheDriversOwnOrLeftOutIsAccepted() {
        assertThatCode(() -> RequestedScope.check(null, "bridge", Optional.of(Scope.LOCAL))).doesNotThrowAnyException();
        assertThatCode(() -> RequestedScope.check("", "overlay", Optional.of(Scope.GLOBAL))).doesNotThrowAnyException();
        assertThatCode(() -> RequestedScope.check("local", "macvlan", Optional.of(Scope.LOCAL))).doesNotThrowAnyException();
        assertThatCode(() -> RequestedScope.check("swarm", "overlay", Optional.of(Scope.GLOBAL))).doesNotThrowAnyException();
        assertThatCode(() -> RequestedScope.check("global", "overlay", Optional.of(Scope.GLOBAL))).doesNotThrowAnyException();
    }

    @Test
    void aGlobalDriverOfAnotherNameCannotBeDowngraded() {
        assertThatThrownBy(() -> RequestedScope.check("local", "weave", Optional.of(Scope.GLOBAL)))
                .isInstanceOfSatisfying(NetmgrException.class, e -> assertThat(e.kind())
                        .isEqualTo(NetmgrException.Kind.FORBIDDEN))
                .hasMessageStartingWith("cannot downgrade network scope for weave networks");
    }

    @Test
    void aLocalDriverIsNeverMadeGlobal() {
        for (String scope : new String[] {"global", "swarm"}) {
            assertThatThrownBy(() -> RequestedScope.check(scope, "macvlan", Optional.of(Scope.LOCAL)))
                    .isInstanceOf(NetmgrException.class)
                    .hasMessageStartingWith("cannot create a " + scope + " scoped network when swarm is not active: driver macvlan");
        }
    }

    @Test
    void anUnknownScopeIsInvalidAndAnUnknownDriverIsLeftToTheCreate() {
        assertThatThrownBy(() -> RequestedScope.check("planet", "bridge", Optional.of(Scope.LOCAL)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scope planet is not supported");
        assertThatCode(() -> RequestedScope.check("swarm", "warp", Optional.empty())).doesNotThrowAnyException();
    }
}
