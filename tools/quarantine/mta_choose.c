/*
 * mta_choose - which MTA's quarantine the tool works on (see mta.h):
 * --mta names it; otherwise a configuration given for one of them
 * chooses it; otherwise the one installed.
 *
 * Thread-safety: no shared state.
 */
#include "mta.h"

#include <string.h>
#include <unistd.h>

static const struct mta_probe default_probe = {
	.postfix_main_cf = "/etc/postfix/main.cf",
	.sendmail_cf = SM_DEFAULT_CF,
};

/* installed - 1 for Postfix, 2 for Sendmail, 3 for both, 0 for neither */
static int
installed(const struct mta_probe *probe)
{
	int postfix = access(probe->postfix_main_cf, F_OK) == 0;
	int sendmail = access(probe->sendmail_cf, F_OK) == 0;

	return postfix | sendmail << 1;
}

int
mta_choose(struct mta *m, const char *name, const char *pf_dir, const char *mail_config,
	   const char *sm_cf, const struct mta_probe *probe, const char **error_r)
{
	int found;

	if (probe == NULL)
		probe = &default_probe;
	if (name != NULL && strcmp(name, "postfix") == 0)
		m->ops = &postfix_ops;
	else if (name != NULL && strcmp(name, "sendmail") == 0)
		m->ops = &sendmail_ops;
	else if (name != NULL)
		return *error_r = "--mta: expected postfix or sendmail", -1;
	else if (sm_cf != NULL && pf_dir == NULL)
		m->ops = &sendmail_ops;
	else if (pf_dir != NULL && sm_cf == NULL)
		m->ops = &postfix_ops;
	else if (pf_dir != NULL)
		return *error_r = "-c (Postfix) and -C (Sendmail) together: choose one MTA", -1;
	else if (mail_config != NULL && *mail_config != '\0')
		m->ops = &postfix_ops;
	else if ((found = installed(probe)) == 1 || found == 0)
		m->ops = &postfix_ops;	/* with neither, Postfix's commands say what is missing */
	else if (found == 2)
		m->ops = &sendmail_ops;
	else
		return *error_r = "both Postfix and Sendmail are configured here: choose one"
				  " with --mta postfix or --mta sendmail", -1;
	if (m->ops == &postfix_ops && sm_cf != NULL)
		return *error_r = "-C/--sendmail-cf is for Sendmail, not Postfix (-c DIR)", -1;
	if (m->ops == &sendmail_ops && pf_dir != NULL)
		return *error_r = "-c/--config is for Postfix; Sendmail takes -C FILE", -1;
	m->config = m->ops == &postfix_ops ? pf_dir : sm_cf;
	return 0;
}
