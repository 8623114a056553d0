package dev.portalkit.storage.redis;

/**
 * The Lua scripts that make each change to a file one atomic step on the server. A file is the
 * hash {@code <prefix><location>} (fields {@code size}, {@code chunk_size}, {@code segments},
 * {@code content_type}, {@code hash}, {@code hash_algorithm}); its content is a list of segments
 * {@code id:size,id:size,...}, each stored as chunks {@code <prefix>/data/<id>/<n>} of at most
 * {@code chunk_size} bytes. A plain upload is one segment; a multipart upload one per part.
 * Content is written with an expiry (staging) and made permanent only by {@link #COMMIT}.
 */
final class RedisScripts {
    private RedisScripts() {
    }

    /** Calls {@code each(key)} for every chunk key of {@code segments} (ARGV-independent helper). */
    private static final String CHUNKS = """
            local function chunks(prefix, segments, chunk, each)
              if not segments then return end
              for id, size in string.gmatch(segments, '([^:,]+):(%d+)') do
                local n = math.ceil(tonumber(size) / chunk)
                for k = 0, n - 1 do each(prefix .. id .. '/' .. k) end
              end
            end
            local function unlink(key) redis.call('UNLINK', key) end
            """;

    /**
     * KEYS[1] the file; KEYS[2] a multipart state to delete with the commit, or the file again.
     * ARGV: overwrite (1/0), data prefix, chunk size, segments, then field, value, ... of the file.
     * Returns 1 (committed), 0 (a file is there and overwrite is 0), -1 (staged content expired).
     */
    static final String COMMIT = CHUNKS + """
            if ARGV[1] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            local chunk = tonumber(ARGV[3])
            local missing = false
            chunks(ARGV[2], ARGV[4], chunk, function(key) if redis.call('EXISTS', key) == 0 then missing = true end end)
            if missing then return -1 end
            chunks(ARGV[2], ARGV[4], chunk, function(key) redis.call('PERSIST', key) end)
            local old = redis.call('HMGET', KEYS[1], 'segments', 'chunk_size')
            if old[1] then chunks(ARGV[2], old[1], tonumber(old[2]), unlink) end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], unpack(ARGV, 5))
            if KEYS[2] ~= KEYS[1] then redis.call('DEL', KEYS[2]) end
            return 1
            """;

    /** KEYS[1] the file; ARGV[1] data prefix. Returns 1 (removed) or 0 (not there). */
    static final String REMOVE = CHUNKS + """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local old = redis.call('HMGET', KEYS[1], 'segments', 'chunk_size')
            if old[1] then chunks(ARGV[1], old[1], tonumber(old[2]), unlink) end
            redis.call('DEL', KEYS[1])
            return 1
            """;

    /**
     * KEYS[1] the source, KEYS[2] the target; ARGV[1] overwrite (1/0), ARGV[2] data prefix.
     * Returns 1 (moved), 0 (target there), -1 (no source). The content does not move: the file's
     * hash is renamed.
     */
    static final String MOVE = CHUNKS + """
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            if redis.call('EXISTS', KEYS[2]) == 1 then
              if ARGV[1] ~= '1' then return 0 end
              local old = redis.call('HMGET', KEYS[2], 'segments', 'chunk_size')
              if old[1] then chunks(ARGV[2], old[1], tonumber(old[2]), unlink) end
            end
            redis.call('RENAME', KEYS[1], KEYS[2])
            return 1
            """;

    /**
     * KEYS[1] a multipart upload's state; ARGV: the part's field ({@code part:N}), its segment
     * ({@code id:size}), data prefix, staging time in ms. Records the part (replacing and unlinking
     * an earlier one). Returns 1, or 0 when the upload is gone.
     */
    static final String PART = CHUNKS + """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local old = redis.call('HGET', KEYS[1], ARGV[1])
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            if old then chunks(ARGV[3], old, tonumber(redis.call('HGET', KEYS[1], 'chunk_size')), unlink) end
            return 1
            """;

    /** KEYS[1] a multipart upload's state; ARGV[1] data prefix. Unlinks its parts. Returns 1 or 0 (not there). */
    static final String ABORT = CHUNKS + """
            local all = redis.call('HGETALL', KEYS[1])
            if #all == 0 then return 0 end
            local chunk = tonumber(redis.call('HGET', KEYS[1], 'chunk_size'))
            for i = 1, #all, 2 do
              if string.sub(all[i], 1, 5) == 'part:' then chunks(ARGV[1], all[i + 1], chunk, unlink) end
            end
            redis.call('DEL', KEYS[1])
            return 1
            """;

    /** KEYS[1] the file; ARGV: its segments as read, hash, algorithm. Records a computed hash if the content did not change. */
    static final String REMEMBER_HASH = """
            if redis.call('HGET', KEYS[1], 'segments') ~= ARGV[1] then return 0 end
            redis.call('HSET', KEYS[1], 'hash', ARGV[2], 'hash_algorithm', ARGV[3])
            return 1
            """;
}
