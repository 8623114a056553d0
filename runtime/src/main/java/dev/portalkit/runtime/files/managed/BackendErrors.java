package dev.portalkit.runtime.files.managed;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.MultipartUploads;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the calls to one storage that failed because of its backend, for monitoring ({@code
 * portalkit_storage_errors_total} at {@code /metrics}): the outermost layer of a managed storage,
 * around its uploader (and its multipart uploads), reader and manager. A call counts once, however
 * often the retry layer tried it, when it ends in a TRANSIENT {@link PortalException} (the backend
 * is down, timed out, refused the credentials, a disk failed) or in an exception that is no
 * {@link PortalException} at all (a failure the adapter did not map). What the caller did wrong or
 * what the storage refuses by its rules (not found, exists, too large, wrong type, unsupported) is
 * no backend error. Failures while a returned stream is read are not counted (the bytes are the
 * caller's by then). A dynamic proxy keeps the layer one class whatever the services' interfaces
 * add; the cost is one reflective call per storage call.
 */
public final class BackendErrors {
    private final LongAdder count = new LongAdder();

    /** How many calls failed because of the backend since the storage was opened. */
    public long count() {
        return count.sum();
    }

    /** Whether {@code failure} is the backend's (see the class comment). */
    static boolean isBackendFailure(Throwable failure) {
        if (failure instanceof PortalException portal) {
            return portal.kind() == ErrorKind.TRANSIENT;
        }
        return failure instanceof RuntimeException;
    }

    /** {@code service} (an interface {@code type}) with its backend failures counted here. */
    <T> T counting(Class<T> type, T service) {
        InvocationHandler handler = (proxy, method, args) -> {
            Object result;
            try {
                result = method.invoke(service, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (isBackendFailure(cause)) {
                    count.increment();
                }
                throw cause;
            }
            if (result instanceof Optional<?> optional && optional.isPresent() && optional.get() instanceof MultipartUploads multipart) {
                return Optional.of(counting(MultipartUploads.class, multipart));
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, handler));
    }
}
