package dev.portalkit.api.files;

import java.util.List;

/**
 * Optional: a storage whose backend keeps files in a container (an S3 bucket, an Azure
 * container) that the portal can administer. Used by {@code portalkit files create-container}
 * and {@code portalkit files fix-cors}; a storage that is not one is reported as such.
 */
public interface ContainerManagement {
    /**
     * Creates the container if it does not exist, applying what the adapter's options say for new
     * containers (policy, versioning).
     *
     * @return true when it was created, false when it existed already
     */
    boolean createContainer();

    /**
     * Replaces the container's CORS rules so that browsers at {@code origins} may upload directly
     * and in parts: methods GET, PUT, POST, HEAD; the request headers browsers send for those;
     * exposed headers such as {@code ETag} (needed by multipart clients).
     */
    void configureCors(List<String> origins);
}
