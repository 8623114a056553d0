package dev.portalkit.runtime.testing;

/** Image bytes for upload tests: content sniffers must take them for what they are. */
public final class TestImages {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
            0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, (byte) 0xc4, (byte) 0x89, 0, 0, 0, 0, 'I', 'E', 'N', 'D',
            (byte) 0xae, 0x42, 0x60, (byte) 0x82};

    private TestImages() {
    }

    /** A 1×1 PNG (signature, IHDR, IEND), a fresh copy each call. */
    public static byte[] png() {
        return PNG.clone();
    }
}
