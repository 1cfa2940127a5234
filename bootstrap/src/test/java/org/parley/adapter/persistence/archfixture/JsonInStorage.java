package org.parley.adapter.persistence.archfixture;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;

/** Deliberately wrong (architecture-rule fixture): JSON and JAX-RS in the persistence adapter. */
public class JsonInStorage {
    public Object mapper() {
        return new ObjectMapper();
    }

    public Object response() {
        return Response.ok().build();
    }
}
