package io.netmgr.daemon;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Points in time as Docker's API takes them ({@code since}, {@code until}): Unix seconds with an
 * optional fraction (what the docker CLI sends), an RFC 3339 time, or a Go duration back from
 * now ({@code 10m}, {@code 1h30m}).
 */
public final class Timestamps {
    private static final Pattern UNIX_SECONDS = Pattern.compile("([0-9]{1,12})(?:\\.([0-9]{1,9}))?");
    private static final Pattern DURATION = Pattern.compile("(?:[0-9]+(?:\\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)");
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private Timestamps() {
    }

    /** {@code value} of the parameter {@code what} (e.g. {@code 'since'}), relative ones counted back from {@code now}. */
    public static Instant parse(String what, String value, Instant now) {
        Matcher unix = UNIX_SECONDS.matcher(value);
        if (unix.matches()) {
            long nanos = unix.group(2) == null ? 0 : Long.parseLong((unix.group(2) + "00000000").substring(0, 9));
            return Instant.ofEpochSecond(Long.parseLong(unix.group(1)), nanos);
        }
        if (DURATION.matcher(value).matches()) {
            return now.minus(duration(value));
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("invalid " + what + "='" + value + "': give Unix seconds (1767225600.5), "
                    + "an RFC 3339 time (2026-01-01T00:00:00Z) or a duration back from now (10m, 24h)");
        }
    }

    private static Duration duration(String value) {
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher part = DURATION_PART.matcher(value);
        while (part.find()) {
            nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(part.group(2)))));
        }
        return Duration.ofNanos(nanos.longValueExact());
    }
}
