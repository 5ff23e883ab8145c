package io.netmgr.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcessStartTimeTest {
    @Test
    void field22CountsFromTheLastParenthesisSoANameWithSpacesDoesNotShiftIt() {
        String stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";
        assertThat(ProcessStartTime.parse(stat)).isEqualTo(OptionalLong.of(987654));
        assertThat(ProcessStartTime.parse("garbage")).isEmpty();
    }

    @Test
    void thisProcessHasAStartTime() {
        assertThat(ProcessStartTime.of(ProcessHandle.current().pid())).isPresent();
    }
}
