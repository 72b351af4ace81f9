// The dashboard's entry (issue 13): one stylesheet, one script, mounted on #app.
import { render } from "preact";
import { App } from "./app.js";
import "./style.css";

render(<App />, document.getElementById("app")!);
