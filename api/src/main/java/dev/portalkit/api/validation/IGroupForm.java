package dev.portalkit.api.validation;

/**
 * Extension point: change the group and organization schemas (chained like {@link IDatasetForm}).
 * {@code isOrganization} tells which of the two is being built.
 */
public interface IGroupForm {
    default Schema createGroupSchema(Schema schema, boolean isOrganization) {
        return schema;
    }

    default Schema updateGroupSchema(Schema schema, boolean isOrganization) {
        return schema;
    }

    default Schema showGroupSchema(Schema schema, boolean isOrganization) {
        return schema;
    }
}
