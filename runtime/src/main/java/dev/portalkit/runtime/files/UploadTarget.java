package dev.portalkit.runtime.files;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Where an upload-taking action keeps the file parts of a request, as far as that is known before
 * the action runs: the upload intake ({@code runtime.intake.UploadIntake}) asks it while the request arrives, to refuse a part
 * the action could not take before its bytes are written anywhere, to apply the target storage's
 * {@code max_size} while the part is spooled, to hash it with the storage's algorithm, and to pipe
 * it into the storage. Contributed next to the actions themselves ({@link IUploadTargets}); an
 * upload-taking action without one takes file parts in any field, limited by the HTTP limits only.
 */
public interface UploadTarget {
    /** The fields that take a file; a file part in any other field is refused before its bytes are read. */
    Set<String> fileFields();

    /**
     * The name of the storage a file part in {@code field} goes to, given the text fields sent
     * before it (values as the action will get them: strings, or lists of them), when no field sent
     * later can change it; empty when only the action knows (a plugin's uploader keeps it, or the
     * field that names it has not arrived). Its {@code max_size} applies while the part arrives.
     */
    Optional<String> storage(String field, Map<String, Object> fields);

    /** Whether {@link #storage} answers the same whatever the fields: the request's declared length can be judged before its body is read. */
    boolean fixedStorage();

    /**
     * Where a part in {@code field} is likely to go (a field sent later may still change it), for
     * piping it into that storage while it arrives (see {@link dev.portalkit.runtime.files.managed.UploadPipe}:
     * a wrong guess costs only the pipe); empty: never piped.
     */
    default Optional<Destination> predicted(String field, String filename, Map<String, Object> fields) {
        return Optional.empty();
    }

    /** A storage and the name the action would store a part under. */
    record Destination(String storage, String name) {
    }

    /**
     * Parts in {@code fields} go to the storage {@code storage} gives (the same whatever the text
     * fields), e.g. the storage of an upload role; empty when a plugin keeps them elsewhere.
     */
    static UploadTarget fixed(Supplier<Optional<String>> storage, String... fields) {
        return fixed(storage, null, fields);
    }

    /**
     * {@link #fixed(Supplier, String...)}, and parts are piped into that storage under the name
     * {@code names} makes of the part's file name (the action must store them under it to keep the
     * pipe; {@code null}: never piped).
     */
    static UploadTarget fixed(Supplier<Optional<String>> storage, UnaryOperator<String> names, String... fields) {
        Set<String> accepted = Set.of(fields);
        return new UploadTarget() {
            @Override
            public Set<String> fileFields() {
                return accepted;
            }

            @Override
            public Optional<String> storage(String field, Map<String, Object> given) {
                return storage.get();
            }

            @Override
            public boolean fixedStorage() {
                return true;
            }

            @Override
            public Optional<Destination> predicted(String field, String filename, Map<String, Object> given) {
                return names == null ? Optional.empty() : storage.get().map(s -> new Destination(s, names.apply(filename)));
            }
        };
    }
}
