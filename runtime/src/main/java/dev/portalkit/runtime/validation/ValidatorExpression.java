package dev.portalkit.runtime.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A validator expression from a schema: {@code name} or {@code name(arg, "quoted arg", 'x')}.
 *
 * @param name      the validator or factory name
 * @param arguments the arguments without quotes, or {@code null} when there are no parentheses
 */
public record ValidatorExpression(String name, List<String> arguments) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public static ValidatorExpression parse(String expression) {
        String text = expression.trim();
        int open = text.indexOf('(');
        if (open < 0) {
            requireName(text, expression);
            return new ValidatorExpression(text, null);
        }
        if (!text.endsWith(")")) {
            throw new IllegalArgumentException("'" + expression + "' is not a validator expression: missing ')'");
        }
        String name = text.substring(0, open).trim();
        requireName(name, expression);
        String inner = text.substring(open + 1, text.length() - 1);
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                any = true;
            } else if (c == ',') {
                args.add(any ? current.toString() : current.toString().trim());
                current.setLength(0);
                any = false;
            } else if (!Character.isWhitespace(c) || (current.length() > 0 && !any)) {
                current.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("'" + expression + "' has an unclosed quote");
        }
        String last = any ? current.toString() : current.toString().trim();
        if (!last.isEmpty() || any || !args.isEmpty()) {
            args.add(last);
        }
        return new ValidatorExpression(name, List.copyOf(args));
    }

    private static void requireName(String name, String expression) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + expression + "' is not a validator expression");
        }
    }
}
