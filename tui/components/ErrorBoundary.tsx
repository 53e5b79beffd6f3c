/** Keeps a failing screen from taking the whole console down: shows the error in its place. */
import { Component, type ReactNode } from 'react'
import { describeError, type ShownError } from '../errors.ts'
import { ErrorBox } from './ErrorBox.tsx'

/** Props of ErrorBoundary. */
export interface ErrorBoundaryProps {
  children: ReactNode
  /** When this changes (the store changed), the screen is tried again. */
  resetKey: number
}

interface State {
  error: ShownError | undefined
  resetKey: number
}

/** Renders its children, or the error they threw. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, State> {
  override state: State = { error: undefined, resetKey: this.props.resetKey }

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: describeError(error) }
  }

  static getDerivedStateFromProps(props: ErrorBoundaryProps, state: State): Partial<State> | null {
    return props.resetKey === state.resetKey ? null : { error: undefined, resetKey: props.resetKey }
  }

  override render(): ReactNode {
    return this.state.error ? <ErrorBox error={this.state.error} /> : this.props.children
  }
}
