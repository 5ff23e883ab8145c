package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** since/until as the docker CLI sends them, and the window of an event stream. */
class TimestampsTest {
    private static final Instant NOW = Instant.parse("2026-01-02T00:00:00Z");

    @Test
    void unixSecondsKeepTheirNanosecondsAsTheDockerCliSendsThem() {
        assertThat(Timestamps.parse("'since'", "1767225600", NOW)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(Timestamps.parse("'since'", "1767225600.000000001", NOW)).isEqualTo(Instant.parse("2026-01-01T00:00:00.000000001Z"));
        assertThat(Timestamps.parse("'since'", "1767225600.5", NOW)).isEqualTo(Instant.parse("2026-01-01T00:00:00.5Z"));
    }

    @Test
    void durationsCountBackFromNowAndRfc3339IsATime() {
        assertThat(Timestamps.parse("'until'", "24h", NOW)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(Timestamps.parse("'until'", "1h30m", NOW)).isEqualTo(Instant.parse("2026-01-01T22:30:00Z"));
        assertThat(Timestamps.parse("'until'", "1.5h", NOW)).isEqualTo(Instant.parse("2026-01-01T22:30:00Z"));
        assertThat(Timestamps.parse("'until'", "2026-01-01T01:00:00+01:00", NOW)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThatThrownBy(() -> Timestamps.parse("'since'", "yesterday", NOW))
                .hasMessageStartingWith("invalid 'since'='yesterday': give Unix seconds");
    }

    @Test
    void aWindowReplaysKeptEventsOnlyWhenBoundedAndRefusesToEndBeforeItStarts() {
        Event at = new Event("2026-01-01T12:00:00Z", "network", "created", "id", "n", Map.of());
        assertThat(EventStream.Window.of(null, null, NOW).replays(at)).isFalse();
        assertThat(EventStream.Window.of("1767225600", null, NOW).replays(at)).isTrue();
        assertThat(EventStream.Window.of(null, "1767225600", NOW).replays(at)).isFalse();
        assertThat(EventStream.Window.of(null, "1767225600", NOW).isPast(NOW)).isTrue();
        assertThat(EventStream.Window.of("13h", "11h", NOW).replays(at)).isTrue();
        assertThatThrownBy(() -> EventStream.Window.of("1767225600", "1767225500", NOW))
                .hasMessage("`since` time (1767225600) cannot be after `until` time (1767225500)");
    }

    @Test
    void eventsKeepTheLast256AndHandThePastOverBeforeTheLive() {
        Events events = new Events();
        for (int i = 0; i < Events.KEPT + 10; i++) {
            events.publish(new Event("2026-01-01T00:00:00Z", "network", "created", "id" + i, "n" + i, Map.of()));
        }
        assertThat(events.kept(e -> true)).hasSize(Events.KEPT).first().extracting(Event::id).isEqualTo("id10");
        java.util.List<String> seen = new java.util.ArrayList<>();
        Runnable stop = events.subscribe(e -> e.id().equals("id265"), e -> seen.add(e.id()));
        events.publish(new Event("2026-01-01T00:00:01Z", "network", "removed", "live", "n", Map.of()));
        stop.run();
        events.publish(new Event("2026-01-01T00:00:02Z", "network", "removed", "after", "n", Map.of()));
        assertThat(seen).containsExactly("id265", "live");
    }
}
