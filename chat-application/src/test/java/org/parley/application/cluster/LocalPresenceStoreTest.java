package org.parley.application.cluster;

import org.parley.application.port.out.PresenceStore;
import org.parley.application.testing.PresenceStoreContract;

class LocalPresenceStoreTest extends PresenceStoreContract {

    @Override
    protected PresenceStore newStore() {
        return new LocalPresenceStore();
    }
}
