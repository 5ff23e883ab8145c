package io.netmgr.netlink.sys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void namesAnErrnoNoCodeOfOursExpects() {
        // a bridge with 1,023 ports refuses another with EXFULL
        assertThat(Errno.describe(54)).isEqualTo("EXFULL (exchange full)");
        assertThat(Errno.name(Errno.EXFULL)).isEqualTo("EXFULL");
    }

    @Test
    void namesEveryLinuxErrno() {
        for (int errno = 1; errno <= 133; errno++) {
            if (errno == 41 || errno == 58) {
                continue; // unused numbers in asm-generic/errno.h
            }
            assertThat(Errno.name(errno)).as("errno %d", errno).matches("E[A-Z0-9]+");
        }
    }

    @Test
    void aNumberLinuxDoesNotHaveStaysANumber() {
        assertThat(Errno.describe(250)).isEqualTo("errno 250");
    }
}
