package dev.portalkit.runtime.validation;

import dev.portalkit.api.validation.Invalid;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Whole numbers in request data: the one reading of every numeric field (the {@code int_validator},
 * {@code natural_number_validator} and {@code int_range} validators, the File API's search
 * parameters), so that nothing wraps. CKAN's int_validator decides what counts:
 *
 * <ul>
 *   <li>a JSON integer of any size, and a JSON number without a fraction ({@code 12.0}, {@code 1e3});</li>
 *   <li>a string of decimal digits with an optional sign; spaces around it are ignored, as Python's
 *       {@code int()} ignores them ({@code " 12 "} is 12);</li>
 *   <li>not: booleans, fractions ({@code 1.5}), strings in other notations ({@code "1e10"},
 *       {@code "0x10"}, {@code "12.0"}, {@code "1_000"}), anything else.</li>
 * </ul>
 *
 * A number outside the range a field takes is refused with a message naming the range, never
 * narrowed ({@code 4294967297} is not 1 as an int).
 */
public final class WholeNumbers {
    /** CKAN's message for a value that is not a whole number. */
    public static final String INVALID = "Invalid integer";
    private static final Pattern DIGITS = Pattern.compile("[+-]?[0-9]+");
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    /** More digits than any bound has: refused before the parse does work on a huge string. */
    private static final int MAX_DIGITS = 40;

    private WholeNumbers() {
    }

    /**
     * The whole number {@code value} stands for, in {@code [min, max]}.
     *
     * @throws Invalid "Invalid integer" when it is not a whole number; "Must be a whole number from
     *                 MIN to MAX" when it is outside the range
     */
    public static long inRange(Object value, long min, long max) {
        BigInteger n = exact(value);
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new Invalid(rangeMessage(min, max));
        }
        return n.longValue();
    }

    /** {@link #inRange} over the whole range of a 64-bit integer. */
    public static long parse(Object value) {
        return inRange(value, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** The message for a number outside {@code [min, max]}. */
    public static String rangeMessage(long min, long max) {
        return "Must be a whole number from " + min + " to " + max;
    }

    /** {@code n} as the narrowest of Integer and Long, as JSON numbers are read. */
    public static Number narrowest(long n) {
        if (n == (int) n) {
            return Integer.valueOf((int) n);
        }
        return Long.valueOf(n);
    }

    private static BigInteger exact(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return big;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d)) {
                throw new Invalid(INVALID);
            }
            return clamp(new BigDecimal(d).toBigIntegerExact());
        }
        if (value instanceof BigDecimal decimal) {
            try {
                return clamp(decimal.toBigIntegerExact());
            } catch (ArithmeticException e) {
                throw new Invalid(INVALID);
            }
        }
        if (value instanceof String s) {
            String text = s.strip();
            if (text.length() > MAX_DIGITS + 1 && DIGITS.matcher(text).matches()) {
                return text.startsWith("-") ? LONG_MIN.subtract(BigInteger.ONE) : LONG_MAX.add(BigInteger.ONE);
            }
            if (!DIGITS.matcher(text).matches()) {
                throw new Invalid(INVALID);
            }
            return new BigInteger(text);
        }
        throw new Invalid(INVALID);
    }

    /** Huge doubles ({@code 1e300}) stay out of range without building a 300-digit number's neighbours. */
    private static BigInteger clamp(BigInteger n) {
        if (n.compareTo(LONG_MAX) > 0) {
            return LONG_MAX.add(BigInteger.ONE);
        }
        if (n.compareTo(LONG_MIN) < 0) {
            return LONG_MIN.subtract(BigInteger.ONE);
        }
        return n;
    }
}
