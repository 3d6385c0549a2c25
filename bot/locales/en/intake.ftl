# phoihop run: webhook mode (bot/webhook.py) and its options.
cli-help-webhook = receive updates by webhook at this https URL instead of polling (env PHOIHOP_WEBHOOK_URL)
cli-help-listen = address the webhook server listens on (default 0.0.0.0; env PHOIHOP_WEBHOOK_LISTEN)
cli-help-port = port the webhook server listens on (default 8080; env PHOIHOP_WEBHOOK_PORT)
cli-run-webhook-not-https = The webhook URL must start with https:// (Telegram posts only to https): { $url }
cli-run-webhook = Webhook { $url }: listening on { $listen }:{ $port } (health: /healthz).
cli-run-webhook-secret-generated = PHOIHOP_WEBHOOK_SECRET is not set: this run uses a secret of its own. Set it when several replicas share the webhook.
