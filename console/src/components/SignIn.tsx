import { Button, Callout, Dialog, DialogBody, DialogFooter, FormGroup, InputGroup } from "@blueprintjs/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../state/auth";

/** Asks for a user name and password when the server answered 401. */
export function SignIn() {
  const { t } = useTranslation();
  const { signInWanted, signIn } = useSession();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await signIn(username, password);
      setPassword("");
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      isOpen={signInWanted}
      title={t("auth.title")}
      isCloseButtonShown={false}
      canEscapeKeyClose={false}
      canOutsideClickClose={false}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <DialogBody>
          <p>{t("auth.why")}</p>
          {error && <Callout intent="danger">{error}</Callout>}
          <FormGroup label={t("auth.username")} labelFor="sign-in-user">
            <InputGroup
              id="sign-in-user"
              value={username}
              onValueChange={setUsername}
              autoFocus
              autoComplete="username"
            />
          </FormGroup>
          <FormGroup label={t("auth.password")} labelFor="sign-in-password">
            <InputGroup
              id="sign-in-password"
              type="password"
              value={password}
              onValueChange={setPassword}
              autoComplete="current-password"
            />
          </FormGroup>
        </DialogBody>
        <DialogFooter
          actions={
            <Button type="submit" intent="primary" loading={busy} disabled={!username || !password}>
              {t("auth.signIn")}
            </Button>
          }
        />
      </form>
    </Dialog>
  );
}
