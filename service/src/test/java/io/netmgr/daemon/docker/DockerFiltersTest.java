package io.netmgr.daemon.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.network.Network;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Docker's filters parameter in both of its spellings, with dockerd's errors. */
class DockerFiltersTest {
    private static final Network FRONT = network("front", "bridge", Map.of("team", "blue"), false, "2026-01-01T00:00:00Z");
    private static final Network HOST = network("host", "host", Map.of(), true, "2026-01-01T00:00:00Z");

    @Test
    void mapAndListSpellingsMeanTheSame() {
        var a = DockerFilters.parse("{\"name\":{\"fro\":true}}").forList(n -> 0);
        var b = DockerFilters.parse("{\"name\":[\"fro\"]}").forList(n -> 0);
        assertThat(a.test(FRONT)).isTrue();
        assertThat(b.test(FRONT)).isTrue();
        assertThat(a.test(HOST)).isFalse();
    }

    @Test
    void valuesOfOneKeyAreAlternativesKeysMustAllMatch() {
        var p = DockerFilters.parse("{\"driver\":{\"bridge\":true,\"host\":true},\"type\":{\"custom\":true}}").forList(n -> 0);
        assertThat(p.test(FRONT)).isTrue();
        assertThat(p.test(HOST)).isFalse();
        assertThat(DockerFilters.parse("{\"label\":[\"team=blue\"]}").forList(n -> 0).test(FRONT)).isTrue();
        assertThat(DockerFilters.parse("{\"label\":[\"team=red\"]}").forList(n -> 0).test(FRONT)).isFalse();
        assertThat(DockerFilters.parse("{\"dangling\":[\"true\"]}").forList(n -> 1).test(FRONT)).isFalse();
    }

    @Test
    void unknownKeysAndValuesAreRefusedAsDockerdDoes() {
        assertThatThrownBy(() -> DockerFilters.parse("{\"colour\":[\"red\"]}").forList(n -> 0)).hasMessage("invalid filter 'colour'");
        assertThatThrownBy(() -> DockerFilters.parse("{\"type\":[\"odd\"]}").forList(n -> 0)).hasMessage("invalid filter: 'type'='odd'");
        assertThatThrownBy(() -> DockerFilters.parse("{\"name\":")).hasMessageStartingWith("invalid filters:");
        assertThatThrownBy(() -> DockerFilters.parse("{\"driver\":[\"bridge\"]}").forPrune(Instant.now())).hasMessage("invalid filter 'driver'");
    }

    @Test
    void pruneUntilTakesDurationsTimesAndUnixSeconds() {
        Instant now = Instant.parse("2026-01-02T00:00:00Z");
        assertThat(DockerFilters.parse("{\"until\":[\"1h\"]}").forPrune(now).test(FRONT)).isTrue();
        assertThat(DockerFilters.parse("{\"until\":[\"25h\"]}").forPrune(now).test(FRONT)).isFalse();
        assertThat(DockerFilters.parse("{\"label!\":[\"team\"]}").forPrune(now).test(FRONT)).isFalse();
    }

    @Test
    void eventFiltersMatchAsDockerdsDo() {
        DockerEvent create = new DockerEvent("network", "create", "abc123", Map.of("name", "front", "type", "bridge"), Instant.EPOCH);
        DockerEvent connect = new DockerEvent("network", "connect", "abc123",
                Map.of("name", "front", "type", "bridge", "container", "f00d"), Instant.EPOCH);
        assertThat(DockerFilters.parse("").forEvents().test(create)).isTrue();
        assertThat(DockerFilters.parse("{\"type\":{\"network\":true}}").forEvents().test(create)).isTrue();
        assertThat(DockerFilters.parse("{\"type\":{\"container\":true}}").forEvents().test(create)).isFalse();
        assertThat(DockerFilters.parse("{\"event\":[\"connect\",\"disconnect\"]}").forEvents().test(create)).isFalse();
        assertThat(DockerFilters.parse("{\"event\":[\"connect\",\"disconnect\"]}").forEvents().test(connect)).isTrue();
        // the actor, by name, id or a prefix of either
        assertThat(DockerFilters.parse("{\"network\":[\"fro\"]}").forEvents().test(create)).isTrue();
        assertThat(DockerFilters.parse("{\"network\":[\"abc\"]}").forEvents().test(create)).isTrue();
        assertThat(DockerFilters.parse("{\"network\":[\"back\"]}").forEvents().test(create)).isFalse();
        // dockerd matches a container filter against the actor too, so it drops network events
        assertThat(DockerFilters.parse("{\"container\":[\"f00d\"]}").forEvents().test(connect)).isFalse();
        assertThat(DockerFilters.parse("{\"scope\":[\"swarm\"]}").forEvents().test(create)).isFalse();
        assertThat(DockerFilters.parse("{\"label\":[\"type=bridge\"]}").forEvents().test(create)).isTrue();
        assertThatThrownBy(() -> DockerFilters.parse("{\"colour\":[\"red\"]}").forEvents()).hasMessage("invalid filter 'colour'");
    }

    @Test
    void eventsRenderAsDockerdWritesThem() {
        DockerEvent e = new DockerEvent("network", "connect", "abc123", Map.of("type", "bridge", "name", "front", "container", "f00d"),
                Instant.ofEpochSecond(1767225600, 123456789));
        assertThat(e.json()).isEqualTo("{\"Type\":\"network\",\"Action\":\"connect\",\"Actor\":{\"ID\":\"abc123\",\"Attributes\":"
                + "{\"container\":\"f00d\",\"name\":\"front\",\"type\":\"bridge\"}},\"scope\":\"local\",\"time\":1767225600,"
                + "\"timeNano\":1767225600123456789}");
    }

    private static Network network(String name, String driver, Map<String, String> labels, boolean predefined, String created) {
        return new Network("ab" + name, name, driver, List.of(), Map.of(), labels, false, true, false, predefined, created);
    }
}
