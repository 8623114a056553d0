package dev.portalkit.storage.opendal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code params} option: a JSON object whose members are handed to the OpenDAL operator as its
 * configuration ({@code {"endpoint": "https://dav.example.org", "root": "/portal"}}). OpenDAL's
 * configuration is flat text, so a member is a string, a number or a boolean (given as its text);
 * a nested object, an array or null is refused naming the member.
 */
final class OperatorParams {
    private final String text;
    private int pos;

    private OperatorParams(String text) {
        this.text = text;
    }

    /**
     * The members of {@code json}, in order.
     *
     * @throws IllegalArgumentException saying what is wrong and where (never echoing values: they may be secrets)
     */
    static Map<String, String> parse(String json) {
        OperatorParams p = new OperatorParams(json == null ? "" : json);
        p.skipSpace();
        if (p.pos >= p.text.length()) {
            return Map.of();
        }
        Map<String, String> out = p.object();
        p.skipSpace();
        if (p.pos < p.text.length()) {
            throw p.fail("text after the closing }");
        }
        return out;
    }

    private Map<String, String> object() {
        expect('{', "a JSON object starting with {");
        Map<String, String> out = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw fail("a member name in double quotes");
            }
            String name = string();
            skipSpace();
            expect(':', "':' after member \"" + name + "\"");
            skipSpace();
            String value = value(name);
            if (out.put(name, value) != null) {
                throw fail("member \"" + name + "\" given twice");
            }
            skipSpace();
            char c = peek();
            pos++;
            if (c == '}') {
                return out;
            }
            if (c != ',') {
                pos--;
                throw fail("',' or '}' after member \"" + name + "\"");
            }
        }
    }

    private String value(String name) {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '{' || c == '[') {
            throw fail("member \"" + name + "\": OpenDAL takes text, numbers and booleans only, not " + (c == '{' ? "an object" : "an array"));
        }
        int start = pos;
        while (pos < text.length() && ",} \t\r\n".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        String word = text.substring(start, pos);
        if (word.equals("true") || word.equals("false") || word.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            return word;
        }
        pos = start;
        throw fail(word.equals("null") ? "member \"" + name + "\": null is not a value (leave the member out)"
                : "member \"" + name + "\": a string, number or boolean");
    }

    private String string() {
        expect('"', "a string");
        StringBuilder out = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw fail("a control character inside a string (escape it)");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                break;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length() || !text.substring(pos, pos + 4).matches("[0-9a-fA-F]{4}")) {
                        throw fail("four hex digits after \\u");
                    }
                    out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> throw fail("a valid escape after \\");
            }
        }
        throw fail("the end of a string (a closing \")");
    }

    private void expect(char c, String what) {
        if (peek() != c) {
            throw fail(what);
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private IllegalArgumentException fail(String expected) {
        return new IllegalArgumentException("not a JSON object: expected " + expected + " at character " + (pos + 1));
    }
}
