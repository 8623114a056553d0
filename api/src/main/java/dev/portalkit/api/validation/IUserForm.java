package dev.portalkit.api.validation;

/** Extension point: change the user schemas (chained like {@link IDatasetForm}). */
public interface IUserForm {
    default Schema createUserSchema(Schema schema) {
        return schema;
    }

    default Schema updateUserSchema(Schema schema) {
        return schema;
    }
}
