package org.parley.application.testing;

import org.parley.application.port.out.AttachmentStore;

class InMemoryAttachmentStoreTest extends AttachmentStoreContract {

    private InMemoryAttachmentStore memory;

    @Override
    protected AttachmentStore newStore() {
        memory = new InMemoryAttachmentStore();
        return memory;
    }

    @Override
    protected long storedFileCount() {
        return memory.keys().size();
    }
}
