// zod is imported as `zod/v3` (the Zod 3 API that the zod 4 package keeps at that path): zod 4's own
// entry loads about 96 modules, all of its 60 locales among them, which cost ~75 ms of every console
// and bot start on a quiet machine (14 ms for zod/v3; issue 16). Its messages for a wrong type are
// worded as zod 4 words them, which names the type expected even for a missing field ("Required" in
// Zod 3): pass this map to every safeParse whose issues reach a person.
import type { ZodErrorMap } from 'zod/v3';

export const zodMessages: ZodErrorMap = (issue, ctx) =>
  issue.code === 'invalid_type'
    ? { message: `Invalid input: expected ${issue.expected}, received ${issue.received}` }
    : { message: ctx.defaultError };
