package dev.portalkit.storage.s3;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bucket names of {@code files:s3-dynamic}: a template with {@code <year>} and {@code <month>}
 * (01-12) or {@code <week>} (ISO week 01-53; {@code <year>} is then the ISO week-based year),
 * filled in for a moment in UTC, followed by {@code -} and the hex HMAC-SHA256 of the filled-in
 * name under the storage's secret, cut to S3's 63 characters. The suffix makes the names
 * unguessable (bucket names are global on AWS) and tells this storage's buckets from others'.
 */
final class BucketTemplate {
    /** Characters of the HMAC suffix kept at least (64 bits). */
    static final int MIN_SUFFIX = 16;
    static final int MAX_NAME = 63;
    private static final Pattern NAME_CHARS = Pattern.compile("[a-z0-9][a-z0-9.-]*");

    enum Period { YEAR, MONTH, WEEK }

    private final String template;
    private final byte[] secret;
    private final Period period;
    private final Pattern filled;

    private BucketTemplate(String template, byte[] secret, Period period) {
        this.template = template;
        this.secret = secret;
        this.period = period;
        this.filled = Pattern.compile(Pattern.quote(template).replace("<year>", "\\E\\d{4}\\Q")
                .replace("<month>", "\\E\\d{2}\\Q").replace("<week>", "\\E\\d{2}\\Q"));
    }

    /**
     * @return the template, or the problem with it
     */
    static Result parse(String template, String secret) {
        boolean year = template.contains("<year>");
        boolean month = template.contains("<month>");
        boolean week = template.contains("<week>");
        if (!year) {
            return Result.problem("must contain <year> (and may add <month> or <week>)");
        }
        if (month && week) {
            return Result.problem("cannot contain both <month> and <week>");
        }
        String sample = template.replace("<year>", "2026").replace("<month>", "01").replace("<week>", "01");
        if (sample.contains("<") || sample.contains(">")) {
            return Result.problem("unknown placeholder (known: <year>, <month>, <week>)");
        }
        if (!NAME_CHARS.matcher(sample).matches() || sample.contains("..") || sample.contains(".-") || sample.contains("-.")) {
            return Result.problem("bucket names take lower-case letters, digits, '-' and '.', and start with a letter or digit");
        }
        if (sample.length() > MAX_NAME - 1 - MIN_SUFFIX) {
            return Result.problem("the filled-in name must leave room for the secret suffix: at most "
                    + (MAX_NAME - 1 - MIN_SUFFIX) + " characters");
        }
        if (secret == null || secret.length() < 8) {
            return Result.problem("bucket_secret must have at least 8 characters");
        }
        return new Result(new BucketTemplate(template, secret.getBytes(StandardCharsets.UTF_8),
                month ? Period.MONTH : week ? Period.WEEK : Period.YEAR), null);
    }

    record Result(BucketTemplate template, String problem) {
        static Result problem(String text) {
            return new Result(null, text);
        }
    }

    /** The bucket of the period that contains {@code moment}. */
    String bucketAt(Instant moment) {
        LocalDate day = LocalDate.ofInstant(moment, ZoneOffset.UTC);
        String name = switch (period) {
            case YEAR -> template.replace("<year>", "%04d".formatted(day.getYear()));
            case MONTH -> template.replace("<year>", "%04d".formatted(day.getYear())).replace("<month>", "%02d".formatted(day.getMonthValue()));
            case WEEK -> template.replace("<year>", "%04d".formatted(day.get(IsoFields.WEEK_BASED_YEAR)))
                    .replace("<week>", "%02d".formatted(day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
        };
        return sign(name);
    }

    /** The start (UTC) of the period that contains {@code moment}. */
    Instant periodStart(Instant moment) {
        LocalDate day = LocalDate.ofInstant(moment, ZoneOffset.UTC);
        LocalDate start = switch (period) {
            case YEAR -> day.withDayOfYear(1);
            case MONTH -> day.withDayOfMonth(1);
            case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        };
        return start.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The start (UTC) of the period after the one that contains {@code moment}. */
    Instant nextPeriodStart(Instant moment) {
        LocalDate start = LocalDate.ofInstant(periodStart(moment), ZoneOffset.UTC);
        LocalDate next = switch (period) {
            case YEAR -> start.plusYears(1);
            case MONTH -> start.plusMonths(1);
            case WEEK -> start.plus(1, ChronoUnit.WEEKS);
        };
        return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Whether {@code bucket} is one of this template's (filled in for some period, with its secret). */
    boolean owns(String bucket) {
        int dash = bucket.lastIndexOf('-');
        if (dash <= 0) {
            return false;
        }
        String name = bucket.substring(0, dash);
        return filled.matcher(name).matches() && sign(name).equals(bucket);
    }

    /** {@code name-<hmac>}, at most 63 characters. */
    private String sign(String name) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            String suffix = HexFormat.of().formatHex(mac.doFinal(name.getBytes(StandardCharsets.UTF_8)));
            String full = name + "-" + suffix;
            return full.length() > MAX_NAME ? full.substring(0, MAX_NAME) : full;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
