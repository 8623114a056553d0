package dev.portalkit.storage.opendal;

/** files:opendal on OpenDAL's {@code memory} service (each storage an operator of its own). */
class OpenDalMemoryContractTest extends OpenDalContract {
    @Override
    protected String scheme() {
        return "memory";
    }

    @Override
    protected String params(String folder) {
        return "{\"root\": " + json("/" + folder) + "}";
    }

    /** The memory service keeps content in the process's (native) memory: no 2 GiB file. */
    @Override
    protected boolean canHold(long bytes) {
        return bytes < 256L * 1024 * 1024;
    }
}
