package dev.portalkit.api.validation;

/**
 * Extension point: change the dataset (package) schemas. Every enabled plugin that implements it
 * receives the schema as the previous plugin left it (core first, then plugins in
 * {@code portal.plugins} order) and returns its version: the chained-schema pattern of CKAN's
 * {@code IDatasetForm}. The resource schema is the nested schema of the {@code resources} field;
 * change it with {@link Schema#withNestedSchema}.
 */
public interface IDatasetForm {
    default Schema createPackageSchema(Schema schema) {
        return schema;
    }

    default Schema updatePackageSchema(Schema schema) {
        return schema;
    }

    default Schema showPackageSchema(Schema schema) {
        return schema;
    }
}
