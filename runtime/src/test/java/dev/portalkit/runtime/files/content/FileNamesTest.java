package dev.portalkit.runtime.files.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.files.download.FileDownloads;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of file names (issue 11, findings 7 and 15): what a name may be, how a client's name is cleaned. */
class FileNamesTest {
    /** Text direction controls and invisible format characters: U+202E makes {@code a\u202etxt.exe} show as {@code aexe.txt}. */
    static final List<String> INVISIBLE = List.of("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
            "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\ufeff", "\u2060", "\u00ad", "\u2028", "\u2029", "\udb40\udc20");

    @Test
    void directionAndInvisibleCharactersAreRefusedInNamesAndNamedByCodePoint() {
        for (String c : INVISIBLE) {
            assertThat(FileNames.problem("a" + c + "txt.exe")).as("U+%04X", c.codePointAt(0))
                    .isEqualTo(String.format("Must not contain invisible or text direction characters (U+%04X)", c.codePointAt(0)));
        }
    }

    @Test
    void joinersThatRealScriptsNeedAreKept() {
        assertThat(FileNames.problem("می\u200cخواهم.txt")).as("ZWNJ in Persian").isNull();
        assertThat(FileNames.problem("\ud83d\udc69\u200d\ud83d\udcbb.png")).as("ZWJ in an emoji sequence").isNull();
        assertThat(FileNames.clean("می\u200cخواهم.txt")).isEqualTo("می\u200cخواهم.txt");
    }

    @Test
    void blankDotsAndTraversalLookingNamesAreRefused() {
        assertThat(FileNames.problem("")).isEqualTo("Missing value");
        assertThat(FileNames.problem("   ")).isEqualTo("Missing value");
        for (String dots : List.of(".", "..", "...", " .. ")) {
            assertThat(FileNames.problem(dots)).as(dots).isEqualTo("Must be a file name, not . or ..");
        }
        for (String path : List.of("../etc/passwd", "..\\boot.ini", "a/b")) {
            assertThat(FileNames.problem(path)).as(path).isEqualTo("Must be a file name, without / or \\");
        }
        for (String encoded : List.of("..%2fetc%2fpasswd", "..%5Cboot.ini", "%2e%2e", "x%2E%2Ey")) {
            assertThat(FileNames.problem(encoded)).as(encoded).startsWith("Must be a file name, without encoded");
        }
        assertThat(FileNames.problem("report..final.csv")).isNull();
        assertThat(FileNames.problem(".bashrc")).as("hidden names are refused by public storages only").isNull();
    }

    @Test
    void aClientsNameIsCleanedNotRefused() {
        assertThat(FileNames.clean("a\u202etxt.exe")).isEqualTo("atxt.exe");
        assertThat(FileNames.clean("C:\\fakepath\\\u200bcv\ufeff.pdf")).isEqualTo("cv.pdf");
        assertThat(FileNames.clean("../../..")).isEmpty();
        assertThat(FileNames.clean(" \u202e ")).isEmpty();
        assertThat(FileNames.clean(null)).isEmpty();
    }

    @Test
    void aLocationsNameLosesTheUuidPrefix() {
        assertThat(FileNames.fromLocation("0b7c2a9e-4f1e-4a61-9d3c-2b8e7f6a5d4crivers.csv")).isEqualTo("rivers.csv");
        assertThat(FileNames.fromLocation("a/b/0b7c2a9e-4f1e-4a61-9d3c-2b8e7f6a5d4c-x.csv")).isEqualTo("-x.csv");
        assertThat(FileNames.fromLocation("0b7c2a9e-4f1e-4a61-9d3c-2b8e7f6a5d4c")).as("nothing after it: kept").hasSize(36);
        assertThat(FileNames.fromLocation("rivers.csv")).isEqualTo("rivers.csv");
    }

    @Test
    void aDownloadsContentDispositionNeverCarriesThem() {
        for (String c : INVISIBLE) {
            String header = FileDownloads.contentDisposition("attachment", "a" + c + "txt.exe");
            assertThat(header).as("U+%04X", c.codePointAt(0)).isEqualTo("attachment; filename=\"atxt.exe\"; filename*=UTF-8''atxt.exe");
        }
        assertThat(FileDownloads.contentDisposition("attachment", "\u202e")).contains("filename=\"download\"");
        assertThat(FileDownloads.contentDisposition("inline", "\ud83d\udc69\u200d\ud83d\udcbb.png"))
                .isEqualTo("inline; filename=\"_____.png\"; filename*=UTF-8''%F0%9F%91%A9%E2%80%8D%F0%9F%92%BB.png");
    }
}
