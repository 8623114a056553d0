package dev.portalkit.runtime.testing;

/** Image bytes for upload tests: content sniffers must take them for what they are. */
public final class TestImages {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
            0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, (byte) 0xc4, (byte) 0x89, 0, 0, 0, 0, 'I', 'E', 'N', 'D',
            (byte) 0xae, 0x42, 0x60, (byte) 0x82};

    /** A 1×1 GIF89a. */
    private static final byte[] GIF = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, ',', 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 'D',
            1, 0, ';'};
    /** A lossless 1×1 WebP (RIFF container, WEBP, a VP8L chunk). */
    private static final byte[] WEBP = {'R', 'I', 'F', 'F', 26, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L', 13, 0, 0, 0, 0x2f, 0,
            0, 0, 0x10, 7, 0x10, 0x11, 0x11, (byte) 0x88, (byte) 0x88, (byte) 0xfe, 7, 0};

    private TestImages() {
    }

    /** A 1×1 PNG (signature, IHDR, IEND), a fresh copy each call. */
    public static byte[] png() {
        return PNG.clone();
    }

    /** A 1×1 GIF, a fresh copy each call. */
    public static byte[] gif() {
        return GIF.clone();
    }

    /** A 1×1 WebP, a fresh copy each call. */
    public static byte[] webp() {
        return WEBP.clone();
    }
}
