// The Membership type lives with the memberships (below spaces/, which imports it).
export { MembershipConnection, MembershipModel } from '../../memberships/models/membership.model';
