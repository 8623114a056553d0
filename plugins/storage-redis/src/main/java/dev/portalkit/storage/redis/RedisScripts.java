package dev.portalkit.storage.redis;

/**
 * The Lua scripts that make each change to a file one atomic step on the server. A file at location
 * {@code L} is the string {@code <prefix>L}, its content as it is (so {@code redis-cli GET <prefix>L}
 * prints it, as with ckanext-files), and the hash {@code <prefix>/meta/L} of what the adapter knows
 * about it (fields {@code content_type}, {@code hash}, {@code hash_algorithm}, {@code version}).
 * Content is written to a staging string {@code <prefix>/staging/<id>} with an expiry and made the
 * file only by {@link #COMMIT}, which renames it.
 */
final class RedisScripts {
    private RedisScripts() {
    }

    /**
     * KEYS[1] the file, KEYS[2] its meta hash, KEYS[3] the staged content, KEYS[4] a multipart state to
     * delete with the commit, or the file again. ARGV: overwrite (1/0), then field, value, ... of the meta hash.
     * Returns 1 (committed), 0 (a file is there and overwrite is 0), -1 (the staged content expired).
     */
    static final String COMMIT = """
            if ARGV[1] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
            redis.call('RENAME', KEYS[3], KEYS[1])
            redis.call('PERSIST', KEYS[1])
            redis.call('DEL', KEYS[2])
            redis.call('HSET', KEYS[2], unpack(ARGV, 2))
            if KEYS[4] ~= KEYS[1] then redis.call('DEL', KEYS[4]) end
            return 1
            """;

    /** KEYS[1] the file, KEYS[2] its meta hash. Returns 1 (removed) or 0 (not there). */
    static final String REMOVE = """
            local removed = redis.call('DEL', KEYS[1])
            redis.call('DEL', KEYS[2])
            if removed > 0 then return 1 end
            return 0
            """;

    /**
     * KEYS[1] the source, KEYS[2] its meta, KEYS[3] the target, KEYS[4] its meta; ARGV[1] overwrite (1/0).
     * Returns 1 (moved), 0 (target there), -1 (no source). The content does not move: the keys are renamed.
     */
    static final String MOVE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            if ARGV[1] ~= '1' and redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
            redis.call('RENAME', KEYS[1], KEYS[3])
            if redis.call('EXISTS', KEYS[2]) == 1 then
              redis.call('RENAME', KEYS[2], KEYS[4])
            else
              redis.call('DEL', KEYS[4])
            end
            return 1
            """;

    /**
     * KEYS[1] a multipart upload's state; ARGV: the part's field ({@code part:N}), its staged content
     * ({@code id:size}), the staging prefix, staging time in ms. Records the part (replacing and unlinking
     * an earlier one). Returns 1, or 0 when the upload is gone.
     */
    static final String PART = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local old = redis.call('HGET', KEYS[1], ARGV[1])
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            if old then redis.call('UNLINK', ARGV[3] .. string.match(old, '^([^:]+)')) end
            return 1
            """;

    /** KEYS[1] a multipart upload's state; ARGV[1] the staging prefix. Unlinks its parts. Returns 1 or 0 (not there). */
    static final String ABORT = """
            local all = redis.call('HGETALL', KEYS[1])
            if #all == 0 then return 0 end
            for i = 1, #all, 2 do
              if string.sub(all[i], 1, 5) == 'part:' then redis.call('UNLINK', ARGV[1] .. string.match(all[i + 1], '^([^:]+)')) end
            end
            redis.call('DEL', KEYS[1])
            return 1
            """;

    /**
     * KEYS[1] the file, KEYS[2] its meta; ARGV: the version read (empty: none), its length, hash, algorithm.
     * Records a computed hash if the content did not change meanwhile.
     */
    static final String REMEMBER_HASH = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            if (redis.call('HGET', KEYS[2], 'version') or '') ~= ARGV[1] then return 0 end
            if redis.call('STRLEN', KEYS[1]) ~= tonumber(ARGV[2]) then return 0 end
            redis.call('HSET', KEYS[2], 'hash', ARGV[3], 'hash_algorithm', ARGV[4])
            return 1
            """;
}
