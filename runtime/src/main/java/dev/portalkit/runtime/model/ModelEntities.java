package dev.portalkit.runtime.model;

import dev.portalkit.runtime.db.EntityTypes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Registers the portal model's JPA entities with the runtime's persistence unit. */
@ApplicationScoped
public class ModelEntities implements EntityTypes {
    @Override
    public List<Class<?>> entityClasses() {
        return List.of(UserRecord.class, ApiTokenRecord.class, GroupRecord.class, MemberRecord.class,
                PackageRecord.class, PackageExtraRecord.class, ResourceRecord.class, WebSessionRecord.class,
                VocabularyRecord.class, TagRecord.class, PackageTagRecord.class);
    }
}
