package org.parley.application.archfixture;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** Deliberately wrong (architecture-rule fixture): JPA in the application, and a public entity. */
@Entity
public class ApplicationUsingJpa {
    @Id
    Long id;
}
