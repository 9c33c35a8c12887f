// A system user's uid and primary gid, read from /etc/passwd (the agent runs as root; os.userInfo
// only knows the current user).
import { readFileSync } from 'node:fs';

/** uid and primary gid of `user` (its group need not share its name); undefined when unknown. */
export const userIds = (user: string): { uid: number; gid: number } | undefined => {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[0] === user);
  const f = line?.split(':');
  return f && f.length > 3 ? { uid: Number(f[2]), gid: Number(f[3]) } : undefined;
};
