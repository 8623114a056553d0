package dev.portalkit.runtime.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** SQL under construction with its positional parameters, in the order they appear. */
final class SqlText {
    private final StringBuilder sql = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    SqlText add(String text, Object... values) {
        sql.append(text);
        params.addAll(List.of(values));
        return this;
    }

    SqlText add(SqlText other) {
        sql.append(other.sql);
        params.addAll(other.params);
        return this;
    }

    /** {@code (?, ?, ?)} for the values. */
    SqlText in(Collection<?> values) {
        sql.append('(');
        int i = 0;
        for (Object v : values) {
            sql.append(i++ == 0 ? "?" : ", ?");
            params.add(v);
        }
        sql.append(')');
        return this;
    }

    PreparedStatement prepare(Connection c) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql.toString());
        for (int i = 0; i < params.size(); i++) {
            s.setObject(i + 1, params.get(i));
        }
        return s;
    }

    @Override
    public String toString() {
        return sql.toString();
    }
}
