package dev.portalkit.runtime.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A row of {@code portal_member}: a user ({@code table_name = 'user'}, capacity member / editor /
 * admin) or a dataset ({@code 'package'}, capacity {@code public}) in a group or organization.
 */
@Entity
@Table(name = "portal_member")
public class MemberRecord {
    public static final String USER = "user";
    public static final String PACKAGE = "package";

    @Id
    public String id;
    @Column(name = "group_id")
    public String groupId;
    @Column(name = "table_name")
    public String tableName;
    @Column(name = "table_id")
    public String tableId;
    public String capacity;
    public String state;
    public Instant created;
}
