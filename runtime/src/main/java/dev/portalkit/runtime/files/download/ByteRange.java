package dev.portalkit.runtime.files.download;

import java.util.Locale;

/**
 * One byte range of a {@code Range} header (RFC 9110 §14.1.2), resolved against a size:
 * bytes {@code first} to {@code last}, both inclusive.
 */
record ByteRange(long first, long last) {
    long length() {
        return last - first + 1;
    }

    /** What a {@code Range} header asks for, given the file's size. */
    sealed interface Parsed {
    }

    /** No range to apply: no header, another unit, or several ranges (served whole, as RFC 9110 allows). */
    record Whole() implements Parsed {
    }

    /** A malformed byte range, or one that starts past the end: 416. */
    record Unsatisfiable(String why) implements Parsed {
    }

    record Single(ByteRange range) implements Parsed {
    }

    static Parsed parse(String header, long size) {
        if (header == null || header.isBlank()) {
            return new Whole();
        }
        String value = header.trim();
        int eq = value.indexOf('=');
        if (eq < 0) {
            return new Unsatisfiable("malformed Range header");
        }
        String unit = value.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        if (!unit.equals("bytes")) {
            return new Whole(); // a unit we do not know is ignored (RFC 9110 §14.2)
        }
        String spec = value.substring(eq + 1).trim();
        if (spec.contains(",")) {
            // Several ranges would need multipart/byteranges: answered with the whole file, which RFC 9110 allows.
            return validList(spec) ? new Whole() : new Unsatisfiable("malformed Range header");
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Unsatisfiable("malformed byte range '" + spec + "'");
        }
        String from = spec.substring(0, dash).trim();
        String to = spec.substring(dash + 1).trim();
        try {
            if (from.isEmpty()) {
                long suffix = digits(to);
                if (suffix == 0 || size == 0) {
                    return new Unsatisfiable("the file has " + size + " bytes");
                }
                return new Single(new ByteRange(Math.max(0, size - suffix), size - 1));
            }
            long first = digits(from);
            long last = to.isEmpty() ? Long.MAX_VALUE : digits(to);
            if (last < first) {
                return new Unsatisfiable("malformed byte range '" + spec + "'");
            }
            if (first >= size) {
                return new Unsatisfiable("the file has " + size + " bytes");
            }
            return new Single(new ByteRange(first, Math.min(last, size - 1)));
        } catch (NumberFormatException e) {
            return new Unsatisfiable("malformed byte range '" + spec + "'");
        }
    }

    private static boolean validList(String spec) {
        for (String part : spec.split(",", -1)) {
            String p = part.trim();
            int dash = p.indexOf('-');
            if (p.isEmpty() || dash < 0) {
                return false;
            }
            try {
                String from = p.substring(0, dash).trim();
                String to = p.substring(dash + 1).trim();
                if (from.isEmpty() && to.isEmpty()) {
                    return false;
                }
                if (!from.isEmpty()) {
                    digits(from);
                }
                if (!to.isEmpty()) {
                    digits(to);
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    /** A non-negative decimal number of at most 18 digits (no sign, no spaces inside). */
    private static long digits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            throw new NumberFormatException(s);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException(s);
            }
        }
        return Long.parseLong(s);
    }
}
