/**
 * CodeConnections' limits on a repository link (CreateRepositoryLink): the GitSync construct
 * checks them, and the config checks the same before synthesis.
 */
export const OWNER_ID_MAX = 255;
export const REPOSITORY_NAME_MAX = 128;
/** A repository link id, as the Connections console shows it. */
export const REPOSITORY_LINK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
