import { describeConnectionManagement } from './support/saml-suite-connections';
import { describeInstances } from './support/saml-suite-instances';
import { describeSamlify } from './support/saml-suite-samlify';
import { sharedInstances } from './support/saml-shared';

// Interoperability and operations, on one pair of gateway instances sharing a database (and
// Redis when REDIS_URL is set): samlify as a third-party IdP end to end, connection
// management and the CLI, and the caches shared across instances.
jest.setTimeout(60_000);

const shared = sharedInstances();
describeSamlify(shared);
describeConnectionManagement(shared);
describeInstances(shared);
