import { WriteErrorCode, WriteException } from '../access/write.exception';

export const JOB_TITLE_MAX = 120;
export const SKILLS_MAX = 30;
export const SKILL_MAX = 40;
export const BIO_MAX = 1000;

/** What a person may write about themself in the directory of experts. */
export interface ProfileInput {
  jobTitle?: string | null;
  skills?: string[] | null;
  bio?: string | null;
  hiddenFromExternals?: boolean | null;
}

export interface ProfileChanges {
  jobTitle?: string | null;
  skills?: string[];
  bio?: string;
  hiddenFromExternals?: boolean;
}

export type ProfileField = keyof ProfileChanges;
export const PROFILE_INPUT_FIELDS: readonly ProfileField[] = ['jobTitle', 'skills', 'bio', 'hiddenFromExternals'];

/** The profile fields given (not undefined); a null jobTitle clears it, other nulls count as absent. */
export function givenProfileFields(input: ProfileInput): ProfileField[] {
  return PROFILE_INPUT_FIELDS.filter((f) =>
    f === 'jobTitle' ? input.jobTitle !== undefined : input[f] !== undefined && input[f] !== null,
  );
}

/**
 * The stored form of a profile change: texts trimmed (an empty job title is none), skills
 * trimmed and deduplicated case-insensitively (the first spelling stays). Limits: job title
 * 120 characters, 30 skills of 1 to 40 characters each, bio 1,000 characters.
 */
export function normalizeProfile(input: ProfileInput): ProfileChanges {
  const out: ProfileChanges = {};
  if (input.jobTitle !== undefined) {
    const title = input.jobTitle?.trim() ?? '';
    if ([...title].length > JOB_TITLE_MAX) {
      throw invalid('jobTitle', `A job title has at most ${JOB_TITLE_MAX} characters`);
    }
    out.jobTitle = title || null;
  }
  if (input.skills !== undefined && input.skills !== null) {
    const seen = new Set<string>();
    const skills: string[] = [];
    for (const raw of input.skills) {
      const skill = raw.trim();
      const length = [...skill].length;
      if (length < 1 || length > SKILL_MAX) {
        throw invalid('skills', `A skill has 1 to ${SKILL_MAX} characters`, { skill: raw.slice(0, SKILL_MAX + 10) });
      }
      const key = skill.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      skills.push(skill);
    }
    if (skills.length > SKILLS_MAX) throw invalid('skills', `A profile lists at most ${SKILLS_MAX} skills`);
    out.skills = skills;
  }
  if (input.bio !== undefined && input.bio !== null) {
    const bio = input.bio.trim();
    if ([...bio].length > BIO_MAX) throw invalid('bio', `A bio has at most ${BIO_MAX} characters`);
    out.bio = bio;
  }
  if (input.hiddenFromExternals !== undefined && input.hiddenFromExternals !== null) {
    out.hiddenFromExternals = input.hiddenFromExternals;
  }
  return out;
}

function invalid(field: ProfileField, message: string, details: Record<string, unknown> = {}): WriteException {
  return new WriteException(WriteErrorCode.INVALID_INPUT, message, { field, ...details });
}
