package io.netmgr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceScaleCommandTest {
    @Test
    void aTargetIsServiceEqualsReplicas() {
        assertThat(ServiceScaleCommand.parse("web=5")).isEqualTo(Map.entry("web", 5));
        assertThat(ServiceScaleCommand.parse("web=0")).isEqualTo(Map.entry("web", 0));
    }

    @Test
    void aBadTargetIsRefusedSayingHowToWriteIt() {
        assertThatThrownBy(() -> ServiceScaleCommand.parse("web")).hasMessage("\"web\": write SERVICE=REPLICAS, e.g. web=3");
        assertThatThrownBy(() -> ServiceScaleCommand.parse("=3")).hasMessage("\"=3\": write SERVICE=REPLICAS, e.g. web=3");
        assertThatThrownBy(() -> ServiceScaleCommand.parse("web=-1")).hasMessage("\"web=-1\": replicas -1 is negative; give 0 or more");
        assertThatThrownBy(() -> ServiceScaleCommand.parse("web=lots"))
                .hasMessage("\"web=lots\": replicas \"lots\" is not a whole number; write e.g. web=3");
    }
}
