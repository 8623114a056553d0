package dev.portalkit.runtime.files;

import java.util.Map;

/**
 * A plugin's {@link UploadTarget}s, by the name of the upload-taking action they describe
 * ({@link dev.portalkit.api.action.Action#acceptsUploads()}). The built-in files and model plugins
 * describe theirs; a plugin that replaces one of those actions may describe its own (the last
 * enabled plugin wins).
 */
public interface IUploadTargets {
    Map<String, UploadTarget> uploadTargets();
}
