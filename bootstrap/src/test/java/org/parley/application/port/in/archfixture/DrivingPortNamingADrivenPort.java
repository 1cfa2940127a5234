package org.parley.application.port.in.archfixture;

import org.parley.application.port.out.MessageRepository;

/** Deliberately wrong (architecture-rule fixture): a driving port whose signature names a driven port. */
public interface DrivingPortNamingADrivenPort {
    MessageRepository storage();
}
