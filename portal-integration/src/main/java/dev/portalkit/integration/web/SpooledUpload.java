package dev.portalkit.integration.web;

import dev.portalkit.api.files.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A file part of a request, spooled to a temporary file that is deleted when the request ends. */
final class SpooledUpload implements Upload {
    private final String filename;
    private final String contentType;
    private final Path file;
    private final long size;

    SpooledUpload(String filename, String contentType, Path file, long size) {
        this.filename = filename;
        this.contentType = contentType;
        this.file = file;
        this.size = size;
    }

    @Override
    public String filename() {
        return filename;
    }

    @Override
    public String contentType() {
        return contentType;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(file);
    }

    @Override
    public String toString() {
        return "Upload[" + filename + ", " + contentType + ", " + size + " bytes]";
    }
}
