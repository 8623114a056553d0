package dev.portalkit.runtime.files.download;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in. */
final class HttpDates {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final List<DateTimeFormatter> ACCEPTED = List.of(
            DateTimeFormatter.RFC_1123_DATE_TIME,
            new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("EEEE, dd-MMM-")
                    .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
                    .appendPattern(" HH:mm:ss 'GMT'").toFormatter(Locale.ROOT).withZone(ZoneOffset.UTC),
            new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("EEE MMM ppd HH:mm:ss yyyy")
                    .toFormatter(Locale.ROOT).withZone(ZoneOffset.UTC));

    private HttpDates() {
    }

    /** The last date formatted: a file served again and again has the same {@code Last-Modified}, and formatting costs more than the rest of its headers. */
    private static volatile Formatted last = new Formatted(Long.MIN_VALUE, "");

    private record Formatted(long second, String text) {
    }

    static String format(Instant instant) {
        long second = instant.getEpochSecond();
        Formatted seen = last;
        if (seen.second() == second) {
            return seen.text();
        }
        String text = IMF_FIXDATE.format(instant.truncatedTo(ChronoUnit.SECONDS));
        last = new Formatted(second, text);
        return text;
    }

    /** The instant of an HTTP date, or empty when it is not one (a malformed date is ignored, as RFC 9110 says). */
    static Optional<Instant> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String text = value.trim();
        for (DateTimeFormatter f : ACCEPTED) {
            try {
                return Optional.of(ZonedDateTime.parse(text, f).toInstant());
            } catch (DateTimeParseException e) {
                // try the next format
            }
        }
        return Optional.empty();
    }
}
