import { act, fireEvent, render, screen } from "@testing-library/react";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState, type FormEvent } from "react";
import { describe, expect, it, vi } from "vitest";
import { byId } from "../test/dom";
import { useRequiredFields } from "./required";

const NO_LOGIN = "Saisissez votre identifiant.";
const NO_PASSWORD = "Saisissez votre mot de passe.";

/** A sign-in form as the screens write it; `onSend` gets what went, and the form is then emptied. */
function Form({ onSend }: { onSend: (login: string, password: string) => void }) {
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const required = useRequiredFields({
    login: { value: login, message: NO_LOGIN },
    password: { value: password, message: NO_PASSWORD },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!required.check()) return;
    onSend(login, password);
    setLogin("");
    setPassword("");
  }
  return (
    <form onSubmit={submit} noValidate id="form">
      <Input label="Identifiant" {...required.stateOf("login")} nativeInputProps={{ id: "login", value: login, onChange: (e) => setLogin(e.target.value) }} />
      <Input label="Mot de passe" {...required.stateOf("password")} nativeInputProps={{ id: "password", value: password, onChange: (e) => setPassword(e.target.value) }} />
      <button type="submit">Envoyer</button>
    </form>
  );
}

const send = () => act(() => void fireEvent.submit(byId("form")));
const type = (id: string, value: string) => act(() => void fireEvent.change(byId(id), { target: { value } }));

describe("the fields a form requires", () => {
  it("shows nothing before the form is sent", () => {
    render(<Form onSend={vi.fn()} />);
    expect(document.querySelectorAll(".fr-message--error")).toHaveLength(0);
  });

  it("refuses an empty form, says beside each empty field why, and puts the focus on the first", () => {
    const onSend = vi.fn();
    render(<Form onSend={onSend} />);
    send();
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByText(NO_LOGIN).id).toBe("login-desc-error");
    expect(screen.getByText(NO_PASSWORD).id).toBe("password-desc-error");
    expect(byId("login").getAttribute("aria-describedby")).toBe("login-desc-error");
    expect(document.activeElement?.id).toBe("login");
  });

  it("takes a message away as its field is filled, and counts spaces as empty", () => {
    const onSend = vi.fn();
    render(<Form onSend={onSend} />);
    send();
    type("login", "sandrine");
    expect(screen.queryByText(NO_LOGIN)).toBeNull();
    expect(screen.getByText(NO_PASSWORD)).toBeTruthy();
    type("password", "   ");
    send();
    expect(onSend).not.toHaveBeenCalled();
    expect(document.activeElement?.id).toBe("password");
  });

  it("sends a filled form, and shows nothing once it is emptied for the next entry", () => {
    const onSend = vi.fn();
    render(<Form onSend={onSend} />);
    send();
    type("login", "sandrine");
    type("password", "secret");
    send();
    expect(onSend).toHaveBeenCalledWith("sandrine", "secret");
    expect((byId("login") as HTMLInputElement).value).toBe("");
    expect(document.querySelectorAll(".fr-message--error")).toHaveLength(0);
  });
});
