package org.parley.adapter.rest.archfixture;

import com.auth0.jwt.JWT;
import org.parley.adapter.persistence.PersistenceModule;

/** Deliberately wrong (architecture-rule fixture): an adapter using another adapter, and the JWT library outside security. */
public class RestReachingIntoPersistence {
    public Class<?> storage() {
        return PersistenceModule.class;
    }

    public Object jwt() {
        return JWT.create();
    }
}
